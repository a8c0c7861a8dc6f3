import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { userDataDir } from '../adapters/file/resolveDataFile.js';

// What bin/hean.js answers without loading the CLI bundle (start.ts), and what the CLI shares with it.

/** Exit codes: 0 ok, 1 the run failed, 2 invalid graph or usage. */
export const OK = 0;
export const RUN_FAILED = 1;
export const INVALID = 2;

/** The directory of hean's package.json (this file runs from dist/runtime/cli/ or bundled into dist/cli/hean.cjs). */
export const packageRoot = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

export const USAGE = `hean — declarative dataflow graphs for trading strategies

Usage:
  hean run GRAPH [--mode backtest|paper] [--bind node.key=value]... [--data [node=]FILE]... [--set name=value]...
               [--json] [--trades FILE] [--chunk N] [--report FILE.html] [--redis URL] [--cache memory|redis://URL] [--out-dir DIR] [--overwrite]
               [--exit-when-idle SECONDS] [--max-events N] [--late drop|fail]      (paper, live)
               [--metrics-port PORT [--metrics-host HOST]]   (paper, live: GET /metrics for Prometheus; 0 = a free port)
  hean run GRAPH --mode live --confirm-live [...]      (real orders: keys from HEAN_<EXCHANGE>_API_KEY / _SECRET)
  hean run GRAPH [GRAPH]... [...]                                                 (several graphs in one process, one summary each)
  hean run GRAPH --symbols A,B,... [--partition NAME [--consumer NAME] [--claim-idle SECONDS]] [...]
               (one instance per symbol, {symbol} in bindings; --partition shares them among processes through Redis)
  hean run GRAPH --grid name=FROM..TO[:STEP] [--grid name=...] [--metric NAME] [--heatmap FILE.html] [...]
  hean sweep GRAPH --grid name=SPEC [--grid name=SPEC]... [--where EXPR] [--workers N] [--metric NAME] [-o FILE.csv|FILE.parquet]
               [--heatmap FILE.html [--heatmap-axes A,B] [--heatmap-at name=value]... [--heatmap-others best|mean]]
               [--json] [--set name=value]... [--bind node.key=value]... [--data [node=]FILE]... [--chunk N] [--cache memory|redis://URL]
  hean tune GRAPH --param name=LO..HI[:STEP|:log] [--param name=V1,V2,...]... --trials N [--metric NAME | --objectives A,-B,...]
               [--prune median [--checkpoints N]] [--study FILE|redis://HOST:PORT/NAME] [--sampler tpe|random] [--seed S] [--where EXPR]
               [-o FILE.csv|FILE.parquet] [--page FILE.html] [--out-dir DIR] [--overwrite] [--json] [--set ...] [--bind ...] [--data ...] [--chunk N]
               [--cache memory|redis://URL]
  hean walkforward GRAPH --train 2y --test 3mo [--anchored] [--purge 1d] (--grid name=SPEC... [--workers N] | --param name=LO..HI... --trials N
               [--sampler tpe|random] [--seed S]) [--where EXPR] [--metric NAME] [--page FILE.html] [--out-dir DIR] [--overwrite] [--json]
  hean worker --queue redis://HOST:PORT [--queue-name NAME] [--concurrency N] [--verbose]
  hean validate GRAPH... [--set name=value]...
  hean viz GRAPH [-o FILE.svg|FILE.html] [--set name=value]...
  hean nodes [KIND|FAMILY] [--json]
  hean schema [--write [DIR]]
  hean data download binance SYMBOL TIMEFRAME --from DATE --to DATE [--dir DIR] [--out FILE] [--format csv|parquet]
  hean publish FILE --stream KEY [--timeframe TF] [--symbol S] [--rate EVENTS_PER_S] [--maxlen N] [--replace] [--redis URL]
  hean adapters
  hean fake-exchange [--port 8765] [--host 127.0.0.1] [--start TIME] [--speed N]   (a local fake Binance spot for the exchange adapter)
  hean train text --data FILE.csv -o MODEL.onnx [--text-column sentence] [--label-column label] [--lambda L]
  hean train logistic --data DATASET.csv|.parquet -o MODEL.onnx [--label direction] [--features a,b] [--lambda L] [--test-fraction 0.2] [--purge N]
  hean train gbdt --data DATASET.csv|.parquet -o MODEL.onnx [--rounds 100] [--max-depth 3] [--eta 0.3] [--lambda 1] [--min-child-weight 1]
                  [--method exact|hist] [--max-bins 256] [--growth depthwise|leafwise] [--max-leaves 31] [...as logistic]
  hean text classify --model MODEL.onnx INPUT.csv -o OUT.csv [--column sentence]
  hean model inspect MODEL.onnx [--json]
  hean model import xgboost MODEL.json -o MODEL.onnx [--features a,b] [--classes A,B]
  hean dataset GRAPH -o FILE.csv|FILE.parquet [--features NODE[.PORT]] [--price NODE[.PORT]] [--horizon H] [--band B]
               [--barrier UP,DOWN] [--format csv|parquet] [--drop-incomplete] [--set name=value]... [--bind node.key=value]... [--data [node=]FILE]...

Exit codes: 0 ok, 1 the run failed, 2 invalid graph or usage.
Data files are looked up as given, then in $HEAN_DATA_DIR, then in ${userDataDir()}.`;

/** `--version` and `--help` (or no command at all): printed here, with the exit code; undefined for any other command. */
export function versionOrHelp(command: string | undefined): number | undefined {
  if (command === '--version' || command === '-v') {
    console.log(JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version);
    return OK;
  }
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command === undefined ? INVALID : OK;
  }
  return undefined;
}
