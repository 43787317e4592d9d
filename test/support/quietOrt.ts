/** Loaded by mocha before the tests: onnxruntime logs errors only, so its warnings do not bury test output. */
import * as ort from 'onnxruntime-node';

ort.env.logLevel = 'error';
