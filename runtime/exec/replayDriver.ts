import type { SourceData } from '../adapters/contract.js';
import type { CompiledGraph } from '../graph/compileGraph.js';
import { freezeColumns } from '../frozenColumns.js';
import { sourceEmitter, type Frame, type Pipeline } from './pipeline.js';

/**
 * The replay driver: a virtual clock over known histories. It merges the sources' timelines and
 * cuts them into chunks of at most `chunkSize` distinct event times (one time is never split
 * across chunks, so joins see each time exactly once), and pushes one frame per source per chunk.
 */
export function replay(
  pipeline: Pipeline,
  graph: CompiledGraph,
  loaded: SourceData[],
  chunkSize: number,
  onProgress?: (eventsDone: number, eventsTotal: number) => void,
  progressEvery = 65_536,
): { events: number; chunks: number } {
  for (const data of loaded) freezeColumns([data.t, ...Object.values(data.columns)]);
  const times = loaded.map((d) => d.t);
  const total = times.reduce((s, t) => s + t.length, 0);
  const heads = times.map(() => 0);
  const ends = heads.slice();
  const emitters = pipeline.sources.map((node, s) => sourceEmitter(node, graph, loaded[s], chunkSize));
  const frames: Frame[] = [];
  let seq = 0;
  let done = 0;
  let lastProgress = 0;
  const remaining = () => {
    for (let s = 0; s < times.length; s++) if (heads[s] < times[s].length) return true;
    return false;
  };
  while (remaining()) {
    chunkEnds(times, heads, chunkSize, ends);
    for (let s = 0; s < emitters.length; s++) {
      frames[s] = emitters[s](heads[s], ends[s], seq);
      done += ends[s] - heads[s];
      heads[s] = ends[s];
    }
    pipeline.push(frames);
    seq++;
    if (onProgress && (done - lastProgress >= progressEvery || done === total)) {
      lastProgress = done;
      onProgress(done, total);
    }
  }
  return { events: total, chunks: seq };
}

/** Writes into `ends` the end index (exclusive) per source of the next chunk: the next `chunkSize` distinct times. */
function chunkEnds(times: Float64Array[], heads: number[], chunkSize: number, ends: number[]): void {
  if (times.length === 1) {
    ends[0] = Math.min(times[0].length, heads[0] + chunkSize);
    return;
  }
  for (let s = 0; s < times.length; s++) ends[s] = heads[s];
  for (let k = 0; k < chunkSize; k++) {
    let next = Infinity;
    for (let s = 0; s < times.length; s++) if (ends[s] < times[s].length && times[s][ends[s]] < next) next = times[s][ends[s]];
    if (next === Infinity) break;
    for (let s = 0; s < times.length; s++) if (ends[s] < times[s].length && times[s][ends[s]] === next) ends[s]++;
  }
}

/** How many chunks `replay` cuts these sources' times into (a cached node output must have exactly as many). */
export function chunkCount(times: Float64Array[], chunkSize: number): number {
  const heads = times.map(() => 0);
  const ends = heads.slice();
  let chunks = 0;
  for (;;) {
    let more = false;
    for (let s = 0; s < times.length; s++) if (heads[s] < times[s].length) more = true;
    if (!more) return chunks;
    chunkEnds(times, heads, chunkSize, ends);
    for (let s = 0; s < times.length; s++) heads[s] = ends[s];
    chunks++;
  }
}
