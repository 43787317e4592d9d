// Preloaded into a process that must never load onnxruntime (the CLI's own process, the extension host):
// any attempt to load it throws, and the test that started the process sees the error.
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'onnxruntime-node' || /onnxruntime_binding\.node$/.test(request))
    throw new Error(`FORBIDDEN: ${request} loaded in process ${process.pid}`);
  return load.call(this, request, ...rest);
};
