/**
 * Loaded by mocha before the tests: advice calibration (past `advise --trial` records in the user's cache)
 * is off, so no test reads or writes the developer's records and estimates are the rules' own. Tests of
 * calibration pass their own file.
 */
process.env.ONNX_TUNER_CALIBRATION = 'off';
