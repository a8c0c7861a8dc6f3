import { Type } from '@sinclair/typebox';
import { defineNode, type ParamProblem } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';

export const combine = defineNode({
  kind: 'signal.combine',
  summary: 'Goes long when all, any or a vote of several signals are long, flat when that stops; short too with short: true.',
  description:
    "Each input's stance is its last non-NaN pulse: long after +1, short after -1, flat after " +
    '0, none before its first pulse. Pulses arriving at the same event all update the stances ' +
    'before the condition is evaluated. The mode sets how many inputs must agree: all, every ' +
    'input (k of k); any, at least one; vote, at least minVotes (default: more than half, ' +
    'floor(k/2) + 1 of k inputs). With short: false (the default) the combined stance is long ' +
    'when enough inputs are long and flat otherwise: short stances only count as "not long". ' +
    'With short: true it is long when enough inputs are long and not enough are short, short ' +
    'when enough are short and not enough are long, and flat otherwise, including the conflict ' +
    'where both sides have enough (any with one long and one short input; a vote with minVotes ' +
    'at most half of the inputs). The output is the combined stance at the event where it ' +
    'changes, +1 long, -1 short, 0 flat, and NaN otherwise; it starts flat, so nothing is ' +
    'emitted until it first becomes long (or short). From long straight to short emits -1 ' +
    '(a long-short broker reverses, a long-only one exits). With no wired input the stance ' +
    'stays flat.',
  params: Type.Object(
    {
      mode: Type.Optional(
        Type.Union([Type.Literal('all'), Type.Literal('any'), Type.Literal('vote')], {
          default: 'all',
          description: 'How many inputs must agree: all, every one; any, at least one; vote, at least minVotes.',
        }),
      ),
      minVotes: Type.Optional(
        Type.Integer({
          minimum: 1,
          description: 'vote mode only: inputs that must agree; default more than half of the inputs.',
        }),
      ),
      short: Type.Optional(
        Type.Boolean({
          default: false,
          description: 'Also go short (-1) when enough inputs are short; false: short stances only count as not long.',
        }),
      ),
    },
    { additionalProperties: false },
  ),
  inputs: { signals: port.signal({ many: true, description: 'The signals combined.' }) },
  outputs: { signal: port.signal({ description: 'The combined stance where it changes: +1 long, -1 short, 0 flat; NaN otherwise.' }) },
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
  // The loop body of create's kernel, event by event, for fused chains (runtime/fusible.ts). With k
  // wires: $s0..$s(k-1) the stances (NaN: no pulse yet); $i0 longs, $i1 shorts, $i2 the combined
  // stance; $c0 the agreeing stances needed, $c1 1 when short is allowed.
  fusible: {
    body: ([k]) => {
      const inputs = Array.from(
        { length: k },
        (_, j) => `
        {
          const x = $in${j};
          if (x === x) {
            const s = x > 0 ? 1 : x < 0 ? -1 : 0;
            const before = $s${j};
            if (before === 1) $i0--;
            else if (before === -1) $i1--;
            if (s === 1) $i0++;
            else if (s === -1) $i1++;
            $s${j} = s;
          }
        }`,
      );
      return `${inputs.join('')}
        const long = $i0 >= $c0;
        const short = $c1 !== 0 && $i1 >= $c0;
        const now = long === short ? 0 : long ? 1 : -1;
        $out0 = now === $i2 ? NaN : now;
        $i2 = now;`;
    },
    init: (p, [k]) => {
      const mode = p.mode ?? 'all';
      const need = k === 0 ? Infinity : mode === 'all' ? k : mode === 'any' ? 1 : (p.minVotes ?? Math.floor(k / 2) + 1);
      return { state: new Array<number>(k).fill(NaN), ints: [0, 0, 0], constants: [need, (p.short ?? false) ? 1 : 0] };
    },
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
    const goesShort = p.short ?? false;
    // The number of inputs is known for sure at the first step; size the state then, once.
    let stance: Float64Array | undefined; // per input: +1, -1, 0 or NaN (no pulse yet)
    let need = 0; // agreeing stances needed
    let longCount = 0;
    let shortCount = 0;
    let combined = 0; // +1 long, -1 short, 0 flat
    return {
      step(n, _t, { signals }, { signal }) {
        const k = signals.length;
        if (stance === undefined || stance.length !== k) {
          stance = new Float64Array(k).fill(NaN);
          longCount = 0;
          shortCount = 0;
          need = k === 0 ? Infinity : mode === 'all' ? k : mode === 'any' ? 1 : (p.minVotes ?? Math.floor(k / 2) + 1);
        }
        // State in locals for the loop: closure variables are context slots, reloaded on every access.
        const stances = stance;
        const needed = need;
        const shortAllowed = goesShort;
        let longs = longCount;
        let shorts = shortCount;
        let current = combined;
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < k; j++) {
            const x = signals[j][i];
            if (x !== x) continue; // NaN: no pulse, stance unchanged
            const s = x > 0 ? 1 : x < 0 ? -1 : 0;
            const before = stances[j];
            if (before === 1) longs--;
            else if (before === -1) shorts--;
            if (s === 1) longs++;
            else if (s === -1) shorts++;
            stances[j] = s;
          }
          const long = longs >= needed;
          const short = shortAllowed && shorts >= needed;
          // Both sides with enough votes is a conflict: flat.
          const now = long === short ? 0 : long ? 1 : -1;
          signal[i] = now === current ? NaN : now;
          current = now;
        }
        longCount = longs;
        shortCount = shorts;
        combined = current;
      },
    };
  },
});
