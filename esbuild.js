// One build script, one entry per target (DESIGN.md). onnxruntime-node stays external: bundling its
// native .node binding breaks at run time, so it ships in node_modules beside the bundle.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Node targets: the extension host, the runtime child process and the CLI. */
const nodeEntries = [
  { in: 'src/extension/extension.ts', out: 'extension' },
  { in: 'src/engine/runtime/runtimeProcess.ts', out: 'runtimeProcess' },
  { in: 'src/cli/main.ts', out: 'cli' },
  { in: 'src/cli/commandProcess.ts', out: 'commandProcess' },
  { in: 'src/extension/jobs/jobProcess.ts', out: 'jobProcess' },
].filter((e) => fs.existsSync(path.join(__dirname, e.in)));

/** Browser targets: the graph webview. */
const webEntries = [
  { in: 'webview/main.ts', out: 'webview' },
  { in: 'webview/layout/layoutWorker.ts', out: 'webviewLayout' },
  { in: 'webview/dev/stubHost.ts', out: 'webviewStub' },
].filter((e) => fs.existsSync(path.join(__dirname, e.in)));

async function build(options) {
  const ctx = await esbuild.context({
    bundle: true,
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    outdir: 'dist',
    ...options,
  });
  if (watch) return ctx.watch();
  await ctx.rebuild();
  await ctx.dispose();
}

Promise.all([
  build({
    entryPoints: nodeEntries,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    // tsx is only the dev-time fallback for running the runtime process from source (runtimeClient.ts).
    external: ['vscode', 'onnxruntime-node', 'tsx', 'tsx/*', 'esbuild'],
  }),
  webEntries.length
    ? build({ entryPoints: webEntries, platform: 'browser', target: 'es2022', format: 'iife' })
    : Promise.resolve(),
]).catch((e) => {
  console.error(e);
  process.exit(1);
});
