import { Type } from '@sinclair/typebox';
import { defineNode } from '../../runtime/defineNode.js';
import { port, type Features } from '../../runtime/ports.js';

export const record = defineNode({
  kind: 'sink.record',
  summary: 'Records chosen wires, one row per event (time + one column per wire), wherever the mode binds it: a file, a Redis stream, memory.',
  description:
    'One row per event of the joined inputs. Columns are named after the wires as written ' +
    '(`fast.value`; a features wire gives one column per feature, `wire.feature`). Where the ' +
    'rows go is the mode binding: `modes.<mode>.<id>: { file: out/x.csv }` (CSV, or JSON lines ' +
    'for .jsonl), `{ stream: KEY }` (a Redis stream, one entry per row) or `{ memory: NAME }`. ' +
    'skipEmpty drops rows whose values are all missing (NaN), e.g. to publish only the events ' +
    'where an order was decided.',
  params: Type.Object(
    { skipEmpty: Type.Boolean({ default: false, description: 'Drop rows whose values are all NaN (no decision at that event).' }) },
    { additionalProperties: false },
  ),
  inputs: { series: port.any({ many: true, description: 'The wires to record.' }) },
  outputs: {},
  sink: 'rows',
  create: (p, ctx) => {
    const writer = ctx.sink;
    if (!writer) throw new Error(`sink "${ctx.id}" has no binding: bind it in modes.<mode>.${ctx.id}, e.g. { file: out/${ctx.id}.csv }`);
    const wires = ctx.inputWires.series ?? [];
    const columns: Float64Array[] = [];
    let started = false;
    let kept: Float64Array[] = [];
    let keptT = new Float64Array(0);
    return {
      step(n, t, { series }) {
        columns.length = 0;
        for (const s of series) {
          if (s instanceof Float64Array) columns.push(s);
          else columns.push(...s.columns);
        }
        if (!started) {
          started = true;
          writer.start(series.flatMap((s, j) => (s instanceof Float64Array ? [wires[j] ?? `series${j}`] : (s as Features).names.map((name) => `${wires[j]}.${name}`))));
          kept = columns.map(() => new Float64Array(n));
          keptT = new Float64Array(n);
        }
        if (!p.skipEmpty) return writer.write(n, t, columns);
        if (kept.length && kept[0].length < n) {
          kept = columns.map(() => new Float64Array(n));
          keptT = new Float64Array(n);
        }
        let m = 0;
        for (let i = 0; i < n; i++) {
          let any = false;
          for (let j = 0; j < columns.length && !any; j++) any = columns[j][i] === columns[j][i];
          if (!any) continue;
          keptT[m] = t[i];
          for (let j = 0; j < columns.length; j++) kept[j][m] = columns[j][i];
          m++;
        }
        writer.write(m, keptT, kept);
      },
      end() {
        if (!started) writer.start(wires.slice()); // a run without events still writes the header
      },
    };
  },
});
