import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { Type } from '@sinclair/typebox';
import { defineNode } from '../../runtime/defineNode.js';
import { port, type Features } from '../../runtime/ports.js';

export const record = defineNode({
  kind: 'sink.record',
  summary: 'Writes chosen wires to a CSV or JSON-lines file: the event time and one column per wire.',
  description:
    'One row per event of the joined inputs. Columns are named after the wires as written ' +
    '(`fast.value`). Times are ISO-8601 UTC. Numbers use the shortest text that reads back to ' +
    'the same double; a missing value (NaN) is an empty CSV cell or a JSON null. The file is ' +
    'written as the run goes; its path is relative to the working directory.',
  params: Type.Object(
    {
      path: Type.String({ minLength: 1, description: 'Output file (.csv or .jsonl).' }),
      format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('jsonl')], { description: 'Default: from the file extension (.jsonl/.ndjson -> jsonl, else csv).' })),
    },
    { additionalProperties: false },
  ),
  exampleParams: { path: 'out/record.csv' },
  inputs: { series: port.any({ many: true, description: 'The wires to record.' }) },
  outputs: {},
  create: (p, ctx) => {
    const format = p.format ?? (['.jsonl', '.ndjson'].includes(extname(p.path).toLowerCase()) ? 'jsonl' : 'csv');
    const wires = ctx.inputWires.series ?? [];
    let fd: number | undefined;
    let keys: string[] = [];
    const columns: Float64Array[] = [];
    const open = (series: readonly (Float64Array | Features)[]) => {
      // A features wire expands into one column per feature: `wire.feature`.
      const names = series.flatMap((s, j) => (s instanceof Float64Array ? [wires[j] ?? `series${j}`] : s.names.map((name) => `${wires[j]}.${name}`)));
      keys = names.map((name) => JSON.stringify(name));
      mkdirSync(dirname(p.path), { recursive: true });
      fd = openSync(p.path, 'w');
      if (format === 'csv') writeSync(fd, ['time', ...names].map(csvField).join(',') + '\n');
      return fd;
    };
    return {
      step(n, t, { series }) {
        const file = fd ?? open(series);
        columns.length = 0;
        for (const s of series) {
          if (s instanceof Float64Array) columns.push(s);
          else columns.push(...s.columns);
        }
        if (n === 0) return;
        let text = '';
        for (let i = 0; i < n; i++) {
          const time = new Date(t[i]).toISOString();
          if (format === 'csv') {
            text += time;
            for (let j = 0; j < columns.length; j++) {
              const v = columns[j][i];
              text += v === v ? ',' + v : ',';
            }
            text += '\n';
          } else {
            text += `{"time":"${time}"`;
            for (let j = 0; j < columns.length; j++) {
              const v = columns[j][i];
              text += `,${keys[j]}:${Number.isFinite(v) ? v : v === v ? `"${v}"` : 'null'}`;
            }
            text += '}\n';
          }
        }
        writeSync(file, text);
      },
      end() {
        if (fd === undefined) open([]);
        closeSync(fd!);
        fd = undefined;
      },
    };
  },
});

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
