import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem } from '../../runtime/defineNode.js';
import { TIMEFRAME_PATTERN, timeframeMs } from '../../runtime/data/timeframe.js';
import { port, type Events } from '../../runtime/ports.js';

export const aggregate = defineNode({
  kind: 'sentiment.aggregate',
  summary: 'Sentiment of several sources as one number: confidence-weighted, decaying with a half-life, only fresh items, with the count behind it.',
  description:
    'Each wire of `score` is one source of scored items (headlines, posts), e.g. sentiment.classify\'s score in ' +
    '[-1, 1], read at its own events; `confidence` (optional, one wire per score wire, in the same order) weighs ' +
    'each item, e.g. the classifier\'s confidence. At a row at time T the items published at or before T and less ' +
    'than maxAge old count, each with weight w = sourceWeight x confidence x 2^(-(T - t) / halfLife), t its ' +
    'publication time: value = sum(w x score) / sum(w), weight = sum(w) (how much evidence, decayed), count = the ' +
    'number of items counted. Rows with fewer than minItems items give NaN value (no opinion is not a neutral ' +
    'opinion). Items with a NaN score or confidence are ignored. The node steps on `clock` when wired (e.g. the ' +
    'bars a strategy trades on: the value decays between items as time passes), else at each item. Cost per row: ' +
    'the number of items younger than maxAge.',
  params: Type.Object(
    {
      halfLife: Type.String({ pattern: TIMEFRAME_PATTERN, default: '6h', description: 'Time after which an item weighs half as much (30m, 6h, 1d).' }),
      maxAge: Type.String({ pattern: TIMEFRAME_PATTERN, default: '1d', description: 'Items this old or older no longer count (the freshness cutoff).' }),
      weights: Type.Optional(Type.Array(Type.Number({ exclusiveMinimum: 0 }), { minItems: 1, description: 'A weight per score wire (source), in wiring order; default 1 each.' })),
      minItems: Type.Integer({ minimum: 1, default: 1, description: 'Fewest fresh items for a value; below, the value is NaN.' }),
    },
    { additionalProperties: false },
  ),
  inputs: {
    score: port.number({ many: true, ownTimes: true, description: 'Item scores per source, one wire per source (e.g. news.score, posts.score).' }),
    confidence: port.number({ many: true, ownTimes: true, optional: true, description: 'Item confidences in [0, 1], one wire per score wire, same order (e.g. news.confidence).' }),
    clock: port.any({ optional: true, description: 'Where to evaluate (e.g. bars.close); default: at each item.' }),
  },
  outputs: {
    value: port.number({ description: 'Weighted mean score of the fresh items (NaN below minItems).' }),
    weight: port.number({ description: 'Sum of the fresh items\' decayed weights: the evidence behind value.' }),
    count: port.number({ description: 'Number of fresh items (published within maxAge, at or before the row).' }),
  },
  defaultOutput: 'value',
  timeline: 'clock',
  warmup: () => 0,
  check: (p) => {
    const problems: ParamProblem[] = [];
    if (timeframeMs(p.maxAge) < timeframeMs(p.halfLife)) problems.push({ path: ['maxAge'], message: `maxAge ${p.maxAge} is shorter than halfLife ${p.halfLife}: items would be cut before they lose half their weight; expected maxAge >= halfLife`, severity: 'warning', code: 'param/odd' });
    return problems;
  },
  create: (p, ctx) => {
    const sources = ctx.inputWires.score?.length ?? 0;
    const confidences = ctx.inputWires.confidence?.length ?? 0;
    if (confidences && confidences !== sources) throw new Error(`confidence has ${confidences} wire(s) and score ${sources}; expected one confidence wire per score wire, in the same order, or none`);
    if (p.weights && p.weights.length !== sources) throw new Error(`weights has ${p.weights.length} value(s) for ${sources} score wire(s); expected one per wire`);
    const halfLife = timeframeMs(p.halfLife);
    const maxAge = timeframeMs(p.maxAge);
    const sourceWeight = p.weights ?? new Array<number>(sources).fill(1);
    // Items not yet counted (published after the last row so far), then the fresh ones, both in time order (ties: wire order).
    let pendingT: number[] = [];
    let pendingS: number[] = [];
    let pendingW: number[] = [];
    const windowT: number[] = [];
    const windowS: number[] = [];
    const windowW: number[] = [];
    let head = 0;
    return {
      step(n, t, inputs, out) {
        const scores = inputs.score as Events<Float64Array>[];
        const conf = inputs.confidence as Events<Float64Array>[] | undefined;
        // Merge this chunk's items of every source by time into the pending list.
        const merged: [number, number, number, number][] = [];
        for (let s = 0; s < scores.length; s++) {
          const e = scores[s];
          const c = conf?.[s];
          if (c && (c.n !== e.n || (e.n > 0 && c.t[e.n - 1] !== e.t[e.n - 1]))) throw new Error(`confidence wire ${s + 1} does not have the events of score wire ${s + 1}; wire both from the same classifier`);
          for (let i = 0; i < e.n; i++) {
            const score = e.value[i];
            const confidence = c ? c.value[i] : 1;
            if (score !== score || confidence !== confidence) continue;
            if (confidence < 0) throw new Error(`confidence ${confidence} at ${new Date(e.t[i]).toISOString()}; expected a weight in [0, 1]`);
            merged.push([e.t[i], s, score, sourceWeight[s] * confidence]);
          }
        }
        if (merged.length) {
          merged.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
          for (const [time, , score, w] of merged) {
            pendingT.push(time);
            pendingS.push(score);
            pendingW.push(w);
          }
        }
        let taken = 0;
        for (let r = 0; r < n; r++) {
          const now = t[r];
          while (taken < pendingT.length && pendingT[taken] <= now) {
            windowT.push(pendingT[taken]);
            windowS.push(pendingS[taken]);
            windowW.push(pendingW[taken]);
            taken++;
          }
          while (head < windowT.length && now - windowT[head] >= maxAge) head++;
          let sumW = 0;
          let sumWS = 0;
          for (let k = head; k < windowT.length; k++) {
            const w = windowW[k] * Math.pow(2, -(now - windowT[k]) / halfLife);
            sumW += w;
            sumWS += w * windowS[k];
          }
          const count = windowT.length - head;
          out.count[r] = count;
          out.weight[r] = sumW;
          out.value[r] = count >= p.minItems && sumW > 0 ? sumWS / sumW : NaN;
        }
        if (taken) {
          pendingT = pendingT.slice(taken);
          pendingS = pendingS.slice(taken);
          pendingW = pendingW.slice(taken);
        }
        // Forget what can never count again.
        if (head > 1024 && head * 2 > windowT.length) {
          windowT.splice(0, head);
          windowS.splice(0, head);
          windowW.splice(0, head);
          head = 0;
        }
      },
    };
  },
});
