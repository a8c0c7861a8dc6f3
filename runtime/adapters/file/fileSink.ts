import { closeSync, openSync, writeSync } from 'node:fs';
import { extname, isAbsolute, normalize, sep } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { SinkAdapter } from '../contract.js';
import { displayPath } from '../outputGuard.js';
import { clipText } from '../../quoteText.js';

/**
 * Rows to a CSV or JSON-lines file, written as the run goes. Times are ISO-8601 UTC; numbers
 * use the shortest text that reads back to the same double; NaN is an empty CSV cell or a JSON
 * null. Where it may write is the output guard's rule (outputGuard.ts): a path from the graph is
 * relative to the output directory and stays in it; nothing replaces an input or an existing file
 * unless asked.
 */
export const fileSink: SinkAdapter = {
  role: 'sink',
  name: 'file',
  key: 'file',
  summary: 'A CSV or JSON-lines file (.jsonl/.ndjson); a path in the graph is relative to the output directory (--out-dir, default: the working directory) and stays inside it.',
  binding: Type.Object(
    {
      file: Type.String({ minLength: 1, description: 'Output file (.csv, .jsonl or .ndjson).' }),
      format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('jsonl')], { description: 'Default: from the extension (.jsonl/.ndjson -> jsonl, else csv).' })),
    },
    { additionalProperties: false },
  ),
  example: '{ file: out/signals.csv }',
  check(binding, _mode, commandLine) {
    if (commandLine.has('file')) return [];
    const file = String(binding.file);
    const shown = clipText(file, 200);
    if (isAbsolute(file) || file.startsWith('~')) return [{ path: ['file'], code: 'binding/output-path', message: `the graph names the absolute path ${shown}; a graph writes only under the output directory (--out-dir, default: the working directory): use a relative path, or name the file on the command line (--bind NODE.file=${shown})` }];
    if (normalize(file).split(sep).includes('..')) return [{ path: ['file'], code: 'binding/output-path', message: `${shown} leaves the output directory; a graph writes only under it (--out-dir, default: the working directory): use a path without "..", or name the file on the command line (--bind NODE.file=${shown})` }];
    return [];
  },
  open(binding, io) {
    const origin = io.commandLine.has('file') ? 'command line' : 'graph';
    const path = io.outputs.file(String(binding.file), `sink ${io.node}`, origin, `--bind ${io.node}.file=`);
    const format = (binding.format as string | undefined) ?? (['.jsonl', '.ndjson'].includes(extname(path).toLowerCase()) ? 'jsonl' : 'csv');
    let fd: number | undefined;
    let keys: string[] = [];
    let rows = 0;
    return {
      start(columns) {
        keys = columns.map((name) => JSON.stringify(name));
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
      describe: () => `${displayPath(path)} (${rows.toLocaleString('en-US')} rows, ${format})`,
    };
  },
};

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
