import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { Type } from '@sinclair/typebox';
import { defineNode } from '../../runtime/defineNode.js';
import { port } from '../../runtime/ports.js';

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
    const names = [...(ctx.inputWires.series ?? [])];
    let fd: number | undefined;
    const ensureOpen = () => {
      if (fd !== undefined) return fd;
      mkdirSync(dirname(p.path), { recursive: true });
      fd = openSync(p.path, 'w');
      if (format === 'csv') writeSync(fd, ['time', ...names].map(csvField).join(',') + '\n');
      return fd;
    };
    const keys = names.map((name) => JSON.stringify(name));
    return {
      step(n, t, { series }) {
        const file = ensureOpen();
        if (n === 0) return;
        let text = '';
        for (let i = 0; i < n; i++) {
          const time = new Date(t[i]).toISOString();
          if (format === 'csv') {
            text += time;
            for (let j = 0; j < series.length; j++) {
              const v = series[j][i];
              text += v === v ? ',' + v : ',';
            }
            text += '\n';
          } else {
            text += `{"time":"${time}"`;
            for (let j = 0; j < series.length; j++) {
              const v = series[j][i];
              text += `,${keys[j]}:${Number.isFinite(v) ? v : v === v ? `"${v}"` : 'null'}`;
            }
            text += '}\n';
          }
        }
        writeSync(file, text);
      },
      end() {
        ensureOpen();
        if (fd !== undefined) closeSync(fd);
        fd = undefined;
      },
    };
  },
});

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
