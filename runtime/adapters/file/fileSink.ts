import { closeSync, mkdirSync, openSync, realpathSync, writeSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { SinkAdapter } from '../contract.js';

/**
 * Rows to a CSV or JSON-lines file, written as the run goes. Times are ISO-8601 UTC; numbers
 * use the shortest text that reads back to the same double; NaN is an empty CSV cell or a JSON
 * null. It refuses to write over the run's inputs (the graph, its data files).
 */
export const fileSink: SinkAdapter = {
  role: 'sink',
  name: 'file',
  key: 'file',
  summary: 'A CSV or JSON-lines file (.jsonl/.ndjson), relative to the working directory.',
  binding: Type.Object(
    {
      file: Type.String({ minLength: 1, description: 'Output file (.csv, .jsonl or .ndjson).' }),
      format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('jsonl')], { description: 'Default: from the extension (.jsonl/.ndjson -> jsonl, else csv).' })),
    },
    { additionalProperties: false },
  ),
  example: '{ file: out/signals.csv }',
  open(binding, io) {
    const path = resolve(String(binding.file));
    const format = (binding.format as string | undefined) ?? (['.jsonl', '.ndjson'].includes(extname(path).toLowerCase()) ? 'jsonl' : 'csv');
    let fd: number | undefined;
    let keys: string[] = [];
    let rows = 0;
    return {
      start(columns) {
        const real = (file: string) => {
          try {
            return realpathSync(file);
          } catch {
            return resolve(file);
          }
        };
        if ([...io.inputs, real(io.graphFile)].includes(real(path))) throw new Error(`${path} is an input of this run; a sink never writes over its inputs. Bind ${io.node} to another file`);
        keys = columns.map((name) => JSON.stringify(name));
        mkdirSync(dirname(path), { recursive: true });
        fd = openSync(path, 'w');
        if (format === 'csv') writeSync(fd, ['time', ...columns].map(csvField).join(',') + '\n');
      },
      write(n, t, columns) {
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
        rows += n;
        writeSync(fd!, text);
      },
      async close() {
        if (fd !== undefined) closeSync(fd);
        fd = undefined;
      },
      describe: () => `${path} (${rows.toLocaleString('en-US')} rows, ${format})`,
    };
  },
};

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
