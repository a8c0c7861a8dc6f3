import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';

export const threshold = defineNode({
  kind: 'signal.threshold',
  summary: 'Enters when a series is beyond an entry level and exits when it is beyond an exit level.',
  description:
    'Level-based, not crossing-based: the node keeps its own state, flat or in position, ' +
    'starting flat. While flat, at any event where the input is strictly beyond the entry level ' +
    '(series < enterBelow, or series > enterAbove) it emits the entry, +1 for side long or -1 ' +
    'for side short, and is in position from then on. While in position, at any event where the ' +
    'input is strictly beyond the exit level (series > exitAbove, or series < exitBelow) it ' +
    'emits 0 (go flat) and is flat from then on. At most one transition per event: the event ' +
    'that exits is not also checked for a new entry, and vice versa. Every other event emits ' +
    'NaN, so a value that stays beyond the entry level emits a single entry. A NaN input emits ' +
    'NaN and leaves the state unchanged. Exactly one of enterBelow / enterAbove and at most one ' +
    'of exitAbove / exitBelow must be given; without an exit level the position is never ' +
    'closed by this node. Example, RSI mean reversion: { enterBelow: 30, exitAbove: 70 }.',
  params: Type.Object(
    {
      enterBelow: Type.Optional(Type.Number({ description: 'Enter while flat when the series is strictly below this level.' })),
      enterAbove: Type.Optional(Type.Number({ description: 'Enter while flat when the series is strictly above this level.' })),
      exitAbove: Type.Optional(Type.Number({ description: 'Exit while in position when the series is strictly above this level.' })),
      exitBelow: Type.Optional(Type.Number({ description: 'Exit while in position when the series is strictly below this level.' })),
      side: Type.Optional(
        Type.Union([Type.Literal('long'), Type.Literal('short')], {
          default: 'long',
          description: 'Direction of the entry: long emits +1, short emits -1.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  exampleParams: { enterBelow: 30, exitAbove: 70 },
  inputs: { series: port.number({ description: 'The series compared with the levels (e.g. an RSI).' }) },
  outputs: { signal: port.signal({ description: 'The entry (+1 or -1) or the exit (0), NaN otherwise.' }) },
  warmup: () => 0,
  check: (p) => {
    const problems: ParamProblem[] = [];
    const has = (v: number | undefined) => v !== undefined;
    if (has(p.enterBelow) && has(p.enterAbove)) {
      problems.push({
        path: ['enterAbove'],
        code: 'params/conflict',
        message:
          `found both enterBelow (${p.enterBelow}) and enterAbove (${p.enterAbove}); expected exactly ` +
          'one entry level: remove one of them (use two threshold nodes for two entry rules)',
      });
    } else if (!has(p.enterBelow) && !has(p.enterAbove)) {
      problems.push({
        path: ['enterBelow'],
        code: 'params/missing',
        message:
          'found no entry level; expected exactly one of enterBelow or enterAbove: add one, ' +
          'e.g. enterBelow: 30 to enter when the series drops below 30',
      });
    }
    if (has(p.exitAbove) && has(p.exitBelow)) {
      problems.push({
        path: ['exitBelow'],
        code: 'params/conflict',
        message:
          `found both exitAbove (${p.exitAbove}) and exitBelow (${p.exitBelow}); expected at most ` +
          'one exit level: remove one of them',
      });
    }
    return problems;
  },
  create: (p) => {
    const entry = p.side === 'short' ? -1 : 1;
    // Absent levels become comparisons that are never true, so the loop has no branches on params.
    const enterBelow = p.enterBelow ?? -Infinity;
    const enterAbove = p.enterAbove ?? Infinity;
    const exitAbove = p.exitAbove ?? Infinity;
    const exitBelow = p.exitBelow ?? -Infinity;
    let inPosition = false;
    return {
      step(n, _t, { series }, { signal }) {
        for (let i = 0; i < n; i++) {
          const x = series[i]; // NaN compares false with every level: no transition
          if (!inPosition) {
            if (x < enterBelow || x > enterAbove) {
              signal[i] = entry;
              inPosition = true;
            } else {
              signal[i] = NaN;
            }
          } else if (x > exitAbove || x < exitBelow) {
            signal[i] = 0;
            inPosition = false;
          } else {
            signal[i] = NaN;
          }
        }
      },
    };
  },
});
