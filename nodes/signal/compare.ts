import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';

export const compare = defineNode({
  kind: 'signal.compare',
  summary: 'Enters while series a is above (or below) b or a constant level, by a band, and exits once it is beyond on the other side.',
  description:
    'Level-based, not crossing-based: the node keeps its own state, flat or in position, starting ' +
    'flat. b is the wire b or, when b is not wired, the constant level (exactly one of the two). ' +
    'The margin m is band (absolute) or |b| * bandPct / 100 (relative to b), 0 by default. With ' +
    'enter: above, the entry condition is a > b + m and the exit condition a < b - m; with enter: ' +
    'below, entry is a < b - m and exit a > b + m. Inside the band (within m of b, or a == b ' +
    'with no band) the state holds: that is the hysteresis that keeps a noisy series from ' +
    'flipping at every event. At an event where the entry condition holds and the node is not ' +
    'in position it emits the entry, +1 for side long or -1 for side short; at an event where ' +
    'the exit condition holds while in position it emits 0 (go flat). With reverse: true the ' +
    'exit condition takes the opposite position instead (emits -1 for side long, +1 for side ' +
    'short), from flat too, so after the first transition the node is always long or short. ' +
    'Every other event emits NaN, so a value that stays beyond emits a single pulse. A NaN in a ' +
    'or b (no value: warm-up, or a source whose data went stale, such as sentiment.aggregate past ' +
    'maxAge) emits NaN and leaves the state unchanged with onMissing: hold (default); with ' +
    'onMissing: exit it goes flat (emits 0) when in position, so a condition that can no longer be ' +
    'checked does not keep a position open. Example, close below the lower Bollinger ' +
    'band: { in: { a: bars.close, b: bands.lowerBand }, params: { enter: below } }; RSI regime ' +
    'with a dead zone: { in: { a: rsi.value }, params: { level: 50, band: 5 } } (in above 55, ' +
    'out below 45).',
  params: Type.Object(
    {
      enter: Type.Optional(
        Type.Union([Type.Literal('above'), Type.Literal('below')], {
          default: 'above',
          description: 'above: enter when a > b + margin, exit when a < b - margin; below: enter when a < b - margin, exit when a > b + margin.',
        }),
      ),
      side: Type.Optional(
        Type.Union([Type.Literal('long'), Type.Literal('short')], {
          default: 'long',
          description: 'Direction of the entry: long emits +1, short emits -1.',
        }),
      ),
      reverse: Type.Optional(
        Type.Boolean({
          default: false,
          description: 'At the exit condition take the opposite position (stop and reverse) instead of going flat.',
        }),
      ),
      onMissing: Type.Optional(
        Type.Union([Type.Literal('hold'), Type.Literal('exit')], {
          default: 'hold',
          description: 'A NaN in a or b: hold the state (default), or exit to flat when in position.',
        }),
      ),
      level: Type.Optional(Type.Number({ description: 'The constant b when input b is not wired (e.g. 30 for an RSI).' })),
      band: Type.Optional(Type.Number({ minimum: 0, description: 'Absolute margin around b (hysteresis), in the units of a; default 0.' })),
      bandPct: Type.Optional(
        Type.Number({ minimum: 0, description: 'Margin as a percentage of |b| (1 = 1% of b), instead of band; default 0.' }),
      ),
    },
    { additionalProperties: false },
  ),
  inputs: {
    a: port.number({ description: 'The series compared (e.g. the close).' }),
    b: port.number({ optional: true, description: 'What a is compared with (e.g. a Bollinger band); leave unwired to use params.level.' }),
  },
  outputs: { signal: port.signal({ description: 'The entry (+1 or -1), the exit (0, or the opposite side with reverse), NaN otherwise.' }) },
  warmup: () => 0,
  check: (p, graph) => {
    const problems: ParamProblem[] = [];
    if (p.band !== undefined && p.bandPct !== undefined) {
      problems.push({
        path: ['bandPct'],
        code: 'params/conflict',
        message: `found both band (${p.band}) and bandPct (${p.bandPct}); expected at most one margin: remove one of them`,
      });
    }
    if (graph) {
      const wiredB = graph.wiredInputs.has('b');
      if (wiredB && p.level !== undefined) {
        problems.push({
          path: ['level'],
          code: 'params/conflict',
          message: `found level: ${p.level} and a wire on input b; a is compared with one of them: remove level, or the b wire`,
        });
      } else if (!wiredB && p.level === undefined) {
        problems.push({
          path: [],
          code: 'params/missing',
          message: 'found neither a wire on input b nor a level; expected one: wire in: { b: <node>.<port> } or set params: { level: <number> }',
        });
      }
    }
    return problems;
  },
  create: (p) => {
    const entry = p.side === 'short' ? -1 : 1;
    const onExit = p.reverse ? -entry : 0;
    const below = p.enter === 'below';
    const band = p.band ?? 0;
    const fraction = (p.bandPct ?? 0) / 100;
    const level = p.level;
    const exitWhenMissing = p.onMissing === 'exit';
    let state = 0; // what the node holds: entry, onExit (when reversing) or 0 (flat)
    return {
      step(n, _t, { a, b }, { signal }) {
        if (b === undefined && level === undefined) {
          throw new Error('signal.compare has neither a wire on input b nor params.level to compare a with');
        }
        for (let i = 0; i < n; i++) {
          const x = a[i];
          const y = b === undefined ? level! : b[i];
          const margin = fraction === 0 ? band : Math.abs(y) * fraction;
          // NaN in x, y or the margin makes both conditions false: no transition.
          const over = x > y + margin;
          const under = x < y - margin;
          const entering = below ? under : over;
          const exiting = below ? over : under;
          const missing = exitWhenMissing && !(x === x && y === y && margin === margin);
          // Without reverse an exit condition while flat targets flat again: nothing to emit.
          const target = missing ? 0 : entering ? entry : exiting ? onExit : state;
          signal[i] = target === state ? NaN : target;
          state = target;
        }
      },
    };
  },
});
