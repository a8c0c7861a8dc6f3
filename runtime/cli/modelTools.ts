// The modules of the model commands (train, text classify, model inspect/import) behind one
// import() in main.ts, for the same reason as graphTools.ts: few files for the build to split them into.
export { trainText, trainTextReport, classifyTextFile } from './textCommands.js';
export { trainClassifier, trainClassifierReport } from './trainClassifier.js';
export { importXgboost } from '../learn/xgboostImport.js';
export { readModelInfo } from '../onnx/featureModel.js';
