// The modules the graph commands (run, validate, dataset, nodes, schema, adapters) use, behind one
// import() in main.ts: one entry point for the build's code splitting, so that they come in a few
// files rather than one per module (every file costs the ESM loader a resolve and a read).
export { loadGraph } from '../loadGraph.js';
export { parseSetValue } from '../graph/compileGraph.js';
export { runGraph } from '../exec/runGraph.js';
export { isBrokerKind } from '../portfolio/simulatedBroker.js';
export { brokerReports, summaryJson, summaryText, tradesCsv } from './summary.js';
export { allNodes } from '../../nodes/index.js';
export { toJson } from '../graph/graphSchema.js';
export { schemaFiles } from '../graph/schemaFiles.js';
export { defaultAdapters } from '../adapters/index.js';
export { buildDataset, classBalance, datasetCsv, DatasetUsageError } from '../data/dataset.js';
