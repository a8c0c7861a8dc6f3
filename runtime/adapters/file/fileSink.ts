import { createHash } from 'node:crypto';
import { closeSync, existsSync, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname, extname, isAbsolute, normalize, sep } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { SinkAdapter, SinkPosition } from '../contract.js';
import { displayPath } from '../outputGuard.js';
import { clipText } from '../../quoteText.js';

/**
 * Rows to a CSV or JSON-lines file, written as the run goes. Times are ISO-8601 UTC; numbers
 * use the shortest text that reads back to the same double; NaN is an empty CSV cell or a JSON
 * null. Where it may write is the output guard's rule (outputGuard.ts): a path from the graph is
 * relative to the output directory and stays in it; nothing replaces an input or an existing file
 * unless asked.
 *
 * In a crash-safe session (runtime/exec/sessionSinks.ts) each checkpoint fsyncs the file and
 * records its length and a hash of its last 4 KB; a restart checks that the file still holds what
 * was committed, cuts off what came after (rows of events processed again), and appends: after
 * `kill -9` the file is byte for byte the file of a run that never stopped. Plain text only: a
 * gzip file cannot be cut back to a row (and the sink does not compress), so `.gz` is refused.
 */
export const fileSink: SinkAdapter = {
  role: 'sink',
  name: 'file',
  key: 'file',
  summary: 'A CSV or JSON-lines file (.jsonl/.ndjson); a path in the graph is relative to the output directory (--out-dir, default: the working directory) and stays inside it. In a crash-safe paper or live session its rows are committed with each checkpoint: exactly once across a crash.',
  binding: Type.Object(
    {
      file: Type.String({ minLength: 1, description: 'Output file (.csv, .jsonl or .ndjson; plain text, not .gz).' }),
      format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('jsonl')], { description: 'Default: from the extension (.jsonl/.ndjson -> jsonl, else csv).' })),
    },
    { additionalProperties: false },
  ),
  example: '{ file: out/signals.csv }',
  check(binding, _mode, commandLine) {
    const file = String(binding.file);
    const shown = clipText(file, 200);
    if (/\.gz$/i.test(file)) {
      const plain = clipText(file.replace(/\.gz$/i, ''), 200);
      return [{ path: ['file'], code: 'binding/output-format', message: `${shown} names a gzip file, but the file sink writes plain text (CSV or JSON lines; a crash-safe session cuts a file back to its last committed row, which a gzip stream cannot do): name it ${plain} and compress it after the run` }];
    }
    if (commandLine.has('file')) return [];
    if (isAbsolute(file) || file.startsWith('~')) return [{ path: ['file'], code: 'binding/output-path', message: `the graph names the absolute path ${shown}; a graph writes only under the output directory (--out-dir, default: the working directory): use a relative path, or name the file on the command line (--bind NODE.file=${shown})` }];
    if (normalize(file).split(sep).includes('..')) return [{ path: ['file'], code: 'binding/output-path', message: `${shown} leaves the output directory; a graph writes only under it (--out-dir, default: the working directory): use a path without "..", or name the file on the command line (--bind NODE.file=${shown})` }];
    return [];
  },
  open(binding, io) {
    const origin = io.commandLine.has('file') ? 'command line' : 'graph';
    const who = `sink ${io.node}`;
    const bindAs = `--bind ${io.node}.file=`;
    // A live run may resume a session: whether an existing file may be replaced is judged once the checkpoint is read.
    const path = io.outputs.file(String(binding.file), who, origin, bindAs, io.resumable ? { existing: 'later' } : {});
    const format = (binding.format as string | undefined) ?? (['.jsonl', '.ndjson'].includes(extname(path).toLowerCase()) ? 'jsonl' : 'csv');
    const target = `file ${path}`;
    let judged = !io.resumable;
    let fd: number | undefined;
    let keys: string[] = [];
    let rows = 0;
    /** The file's length: every write goes at this offset. */
    let bytes = 0;
    let resumedRows = 0;
    let synced = false;
    const put = (text: string) => void (bytes += writeSync(fd!, text, bytes, 'utf8'));
    return {
      start(columns) {
        keys = columns.map((name) => JSON.stringify(name));
        if (fd === undefined) {
          if (!judged) io.outputs.mayReplace(path, who, origin, bindAs);
          judged = true;
          fd = openSync(path, 'w+');
          bytes = 0;
        }
        if (format === 'csv' && bytes === 0) put(['time', ...columns].map(csvField).join(',') + '\n');
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
        put(text);
      },
      async close() {
        if (fd !== undefined) closeSync(fd);
        fd = undefined;
      },
      describe: () => `${displayPath(path)} (${rows.toLocaleString('en-US')} rows${resumedRows ? `, ${resumedRows.toLocaleString('en-US')} of them kept from before the restart` : ''}, ${format})`,
      // Rows are appended across runs of a session: a restart's replay writes none (they are in the committed part).
      appendsAcrossRuns: true,
      session: {
        target,
        async resume(position) {
          judged = true;
          if (!position) return void io.outputs.mayReplace(path, who, origin, bindAs);
          const committed = `${position.rows.toLocaleString('en-US')} rows (${position.bytes!.toLocaleString('en-US')} bytes)`;
          const startOver = 'start a new session (delete the checkpoint; a session on Redis streams also binds a new group or destroys its group), which writes the file afresh';
          if (!existsSync(path) && position.bytes === 0) return; // committed before its first row: nothing to keep
          if (!existsSync(path)) throw new Error(`${who}: the session's checkpoint records ${committed} committed to ${displayPath(path)}, which no longer exists: the rows cannot be resumed; restore the file, or ${startOver}`);
          const opened = openSync(path, 'r+');
          try {
            const size = fstatSync(opened).size;
            if (size < position.bytes!) throw new Error(`${who}: ${displayPath(path)} holds ${size.toLocaleString('en-US')} bytes, fewer than the ${committed} the session's checkpoint committed: it was cut or replaced since; restore it, or ${startOver}`);
            if (tailHash(opened, position.bytes!) !== position.tail) throw new Error(`${who}: ${displayPath(path)} no longer ends its committed ${committed} with the bytes the session wrote (the SHA-256 of its last 4 KB differs from the checkpoint's): it was changed or replaced since; restore it, or ${startOver}`);
            if (size > position.bytes!) {
              ftruncateSync(opened, position.bytes!);
              io.log(`${who}: ${displayPath(path)}: cut back to the ${committed} of the last checkpoint (${(size - position.bytes!).toLocaleString('en-US')} bytes after it dropped: the rows of events processed again)`);
            }
          } catch (e) {
            closeSync(opened);
            throw e;
          }
          fd = opened;
          bytes = position.bytes!;
          rows = resumedRows = position.rows;
        },
        async commit(): Promise<SinkPosition> {
          if (fd === undefined) return { target, rows: 0, bytes: 0, tail: tailHash(undefined, 0) };
          fdatasyncSync(fd);
          if (!synced) {
            // The file's directory entry too, once: a new file survives a power cut with its name.
            const dir = openSync(dirname(path), 'r');
            try {
              fsyncSync(dir);
            } finally {
              closeSync(dir);
            }
            synced = true;
          }
          return { target, rows, bytes, tail: tailHash(fd, bytes) };
        },
      },
    };
  },
};

const TAIL = 4096;

/** SHA-256 (hex, 16 digits) of the up to 4,096 bytes of the file before `end`: what a restart checks before appending after `end`. */
export function tailHash(fd: number | undefined, end: number): string {
  const length = Math.min(TAIL, end);
  const buffer = Buffer.alloc(length);
  let read = 0;
  while (fd !== undefined && read < length) {
    const got = readSync(fd, buffer, read, length - read, end - length + read);
    if (got === 0) break;
    read += got;
  }
  return createHash('sha256').update(buffer.subarray(0, read)).digest('hex').slice(0, 16);
}

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
