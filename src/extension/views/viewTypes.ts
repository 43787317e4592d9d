/** View and editor ids shared by package.json contributions and the code that registers them. */
export const MODEL_VIEW_TYPE = 'onnxTuner.modelEditor';
