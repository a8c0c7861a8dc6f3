/**
 * Preloaded into a child process (`node --import ./dist/bench/peakRss.js bin/hean.js ...`): at exit,
 * writes the process's peak resident set size to stderr as one line `PEAK_RSS_LINE KIB SOURCE`.
 *
 * SOURCE is VmHWM from /proc/self/status where there is one (Linux): the high-water mark of this
 * process's own memory since exec. process.resourceUsage().maxRSS is not used there because Linux
 * carries the forking parent's peak over into a child it spawns (a child of a 1.5 GB bench process
 * reports 1.5 GB however little it uses); elsewhere maxRSS is all there is, and says so.
 */
import { readFileSync } from 'node:fs';
import { PEAK_RSS_LINE } from './harness.js';

process.on('exit', () => {
  let kib: number;
  let source: string;
  try {
    kib = Number(/^VmHWM:\s*(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
    source = 'VmHWM';
  } catch {
    kib = process.resourceUsage().maxRSS;
    source = 'maxRSS';
  }
  process.stderr.write(`${PEAK_RSS_LINE} ${kib} ${source}\n`);
});
