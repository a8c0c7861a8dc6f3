import { Type } from '@sinclair/typebox';
import { defineNode } from '../../runtime/defineNode.js';
import { port, type Features } from '../../runtime/ports.js';

/** Values (times included) a backtest's record sink keeps for the report, at most: 80 MB. */
export const RECORD_KEEP_LIMIT = 10_000_000;

/** What a record sink hands the run report (backtests): the rows it wrote, or the first of them. */
export interface RecordReport {
  kind: 'record';
  columns: string[];
  t: Float64Array;
  values: Float64Array[];
  /** Rows written, and whether only the first `t.length` were kept (RECORD_KEEP_LIMIT). */
  rows: number;
  truncated: boolean;
}

export const record = defineNode({
  kind: 'sink.record',
  summary: 'Records chosen wires, one row per event (time + one column per wire), wherever the mode binds it: a file, a Redis stream, memory.',
  description:
    'One row per event of the joined inputs. Columns are named after the wires as written ' +
    '(`fast.value`; a features wire gives one column per feature, `wire.feature`). Where the ' +
    'rows go is the mode binding: `modes.<mode>.<id>: { file: out/x.csv }` (CSV, or JSON lines ' +
    'for .jsonl), `{ stream: KEY }` (a Redis stream, one entry per row) or `{ memory: NAME }`. ' +
    'skipEmpty drops rows whose values are all missing (NaN), e.g. to publish only the events ' +
    'where an order was decided. In a backtest that makes a report (`hean run --report`) the rows ' +
    'written are also kept in memory for it (one chart per column), 8 bytes per value and time, ' +
    'up to 10 million values (then the report says the rest was not kept); other runs keep nothing.',
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
    // The report's copy (a backtest making a report): chunks of rows as written, joined once at the end.
    const keep = ctx.report === true && (ctx.history ?? 'full') === 'full';
    let names: string[] = wires.slice();
    const copies: { t: Float64Array; columns: Float64Array[] }[] = [];
    let copied = 0;
    let written = 0;
    const write = (m: number, times: Float64Array, cols: Float64Array[]) => {
      writer.write(m, times, cols);
      written += m;
      if (!keep || m === 0 || (copied + m) * (cols.length + 1) > RECORD_KEEP_LIMIT) return;
      copies.push({ t: times.slice(0, m), columns: cols.map((c) => c.slice(0, m)) });
      copied += m;
    };
    return {
      step(n, t, { series }) {
        columns.length = 0;
        for (const s of series) {
          if (s instanceof Float64Array) columns.push(s);
          else columns.push(...s.columns);
        }
        if (!started) {
          started = true;
          names = series.flatMap((s, j) => (s instanceof Float64Array ? [wires[j] ?? `series${j}`] : (s as Features).names.map((name) => `${wires[j]}.${name}`)));
          writer.start(names);
          kept = columns.map(() => new Float64Array(n));
          keptT = new Float64Array(n);
        }
        if (!p.skipEmpty) return write(n, t, columns);
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
        write(m, keptT, kept);
      },
      end() {
        if (!started) writer.start(wires.slice()); // a run without events still writes the header
      },
      report: keep
        ? (): RecordReport => {
            const t = new Float64Array(copied);
            const values = names.map(() => new Float64Array(copied));
            let at = 0;
            for (const chunk of copies) {
              t.set(chunk.t, at);
              chunk.columns.forEach((c, j) => values[j]?.set(c, at));
              at += chunk.t.length;
            }
            return { kind: 'record', columns: names, t, values, rows: written, truncated: copied < written };
          }
        : undefined,
    };
  },
});
