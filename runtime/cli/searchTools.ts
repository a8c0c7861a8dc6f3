// The modules of the parameter searches (run --grid, sweep, tune, walkforward) behind one import()
// in main.ts, for the same reason as graphTools.ts: few files for the build to split them into.
export { parseGridSpec, gridMetric, runGrid, gridTable, gridJson, GridSpecError } from './grid.js';
export { runSweep, combinations } from '../sweep/runSweep.js';
export { WhereError, parseWhere } from '../sweep/where.js';
export { runTune } from '../sweep/runTune.js';
export { StudyJournalError } from '../tune/studyJournal.js';
export { parseParamSpec, ParamSpecError } from '../sweep/paramSpec.js';
export { SearchSpaceError, validateSpace } from '../tune/space.js';
export { parseDuration, runWalkForward } from '../sweep/runWalkForward.js';
