import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';

export const combine = defineNode({
  kind: 'signal.combine',
  summary: 'Goes long when all, any or a vote of several signals are long, and flat when that stops.',
  description:
    "Each input's stance is its last non-NaN pulse: long after +1, short after -1, flat after " +
    '0, none before its first pulse. The condition "long" is, by mode: all, every input\'s ' +
    'stance is long; any, at least one is long; vote, at least minVotes are long (default: more ' +
    'than half, floor(k/2) + 1 of k inputs). Pulses arriving at the same event all update the ' +
    'stances before the condition is evaluated. The output is +1 at the event where the ' +
    'condition becomes true, 0 (go flat) at the event where it becomes false, NaN otherwise; ' +
    'the condition starts false, so nothing is emitted until it first becomes true. The node ' +
    'never emits -1: short stances only count as "not long". With no wired input the condition ' +
    'is never true.',
  params: Type.Object(
    {
      mode: Type.Optional(
        Type.Union([Type.Literal('all'), Type.Literal('any'), Type.Literal('vote')], {
          default: 'all',
          description: 'all: every input long; any: at least one long; vote: at least minVotes long.',
        }),
      ),
      minVotes: Type.Optional(
        Type.Integer({
          minimum: 1,
          description: 'vote mode only: long inputs needed; default more than half of the inputs.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  inputs: { signals: port.signal({ many: true, description: 'The signals combined.' }) },
  outputs: { signal: port.signal({ description: '+1 when the condition becomes true, 0 when it becomes false.' }) },
  warmup: () => 0,
  check: (p) => {
    const problems: ParamProblem[] = [];
    const mode = p.mode ?? 'all';
    if (p.minVotes !== undefined && mode !== 'vote') {
      problems.push({
        path: ['minVotes'],
        code: 'params/conflict',
        message:
          `found minVotes: ${p.minVotes} with mode '${mode}'; minVotes applies only to mode 'vote': ` +
          "remove minVotes or set mode: vote",
      });
    }
    return problems;
  },
  create: (p, ctx) => {
    const mode = p.mode ?? 'all';
    const wired = ctx.inputWires['signals']?.length;
    if (mode === 'vote' && p.minVotes !== undefined && wired !== undefined && p.minVotes > wired) {
      ctx.warn(
        'params/unreachable',
        `minVotes is ${p.minVotes} but only ${wired} signal(s) are wired, so the vote never passes`,
      );
    }
    // The number of inputs is known for sure at the first step; size the state then, once.
    let stance: Float64Array | undefined; // per input: +1, -1, 0 or NaN (no pulse yet)
    let need = 0; // long stances needed for the condition
    let longCount = 0;
    let long = false;
    return {
      step(n, _t, { signals }, { signal }) {
        const k = signals.length;
        if (stance === undefined || stance.length !== k) {
          stance = new Float64Array(k).fill(NaN);
          longCount = 0;
          need = k === 0 ? Infinity : mode === 'all' ? k : mode === 'any' ? 1 : (p.minVotes ?? Math.floor(k / 2) + 1);
        }
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < k; j++) {
            const x = signals[j][i];
            if (x !== x) continue; // NaN: no pulse, stance unchanged
            const s = x > 0 ? 1 : x < 0 ? -1 : 0;
            const before = stance[j];
            if (before === 1 && s !== 1) longCount--;
            else if (before !== 1 && s === 1) longCount++;
            stance[j] = s;
          }
          const now = longCount >= need;
          signal[i] = now === long ? NaN : now ? 1 : 0;
          long = now;
        }
      },
    };
  },
});
