/**
 * Conformance of the indicators TA-Lib lacks (issue: beyond TA-Lib): each kind's outputs against
 * its reference library's own output on the real data, from the generated files in
 * test/reference/pandas_ta and test/reference/tulip (the scripts that made them sit beside them).
 * Values agree to 1e-9 relative where both are defined (the files keep 12 significant digits);
 * the rows without a value (the warm-up) are the same, unless the case documents why not.
 * A kind outside TA-Lib with no reference case must name where else it is checked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../runtime/testing/dataFile.js';
import { allNodes } from '../nodes/index.js';
import { realCandles } from '../runtime/testing/realCandles.js';
import { indicatorReferences, referenceValue } from '../runtime/testing/indicatorReference.js';
import { runKernel } from '../runtime/testing/runKernel.js';
import { talibFunctions } from '../runtime/testing/talib.js';

/** Kinds checked elsewhere than against a peer library's file, and where. */
const checkedElsewhere: Record<string, string> = {
  'indicator.pivots': 'nodes/indicator/anchored/anchored.test.ts: the published formulas worked by hand, and real bars against a plain daily grouping',
  'indicator.volume_profile': 'nodes/indicator/anchored/anchored.test.ts: worked by hand',
  'indicator.opening_range': 'nodes/indicator/anchored/anchored.test.ts: worked by hand',
};

const files = indicatorReferences();
const registered = new Map(allNodes.map((d) => [d.kind, d]));
const bars = realCandles(Math.max(0, ...files.map((f) => f.rows))) as unknown as Record<string, Float64Array>;

/** Event times are bar closes (source.candles): open time + the bar spacing. */
const spacing = bars.time[1] - bars.time[0];
const closeTimes = bars.time.map((t) => t + spacing);

const TOLERANCE = 1e-9;

function close(got: number, want: number): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (!Number.isFinite(want)) return got === want;
  // The files keep 12 significant digits: 1e-9 relative, with an absolute floor for values near 0.
  return Math.abs(got - want) <= TOLERANCE * Math.max(Math.abs(want), 1e-3);
}

for (const file of files) {
  for (const [index, c] of file.cases.entries()) {
    test(`${c.kind} ${JSON.stringify(c.params)} equals ${file.reference.split(',')[0]} (${c.call}; ${file.file})`, () => {
      const def = registered.get(c.kind);
      assert.ok(def, `${file.file} case ${index}: no node kind ${c.kind}`);
      const inputs = Object.fromEntries(Object.entries(c.inputs).map(([port, column]) => [port, bars[column].subarray(0, file.rows)]));
      const got = runKernel(def, c.params, inputs, { chunkSize: 97, length: file.rows, t: closeTimes.subarray(0, file.rows) });
      const skip = c.differs?.skipRows ?? 0;
      if (c.differs) assert.ok(c.differs.why.length > 20, 'a departure from the reference says why');
      for (const [output, values] of Object.entries(c.outputs)) {
        assert.ok(got[output], `${c.kind} has no output ${output}`);
        const failures: string[] = [];
        for (let i = skip; i < file.rows; i++) {
          const want = referenceValue(values[i]);
          const have = got[output][i];
          if (!close(have, want)) failures.push(`[${i}] hean ${have}, reference ${want}`);
        }
        assert.deepEqual(failures.slice(0, 5), [], `${c.kind}.${output}: ${failures.length} rows differ from ${skip}`);
      }
    });
  }
}

test('every indicator kind outside TA-Lib has a reference comparison', () => {
  const talib = new Set(talibFunctions.map((f) => f.kind));
  const referenced = new Set(files.flatMap((f) => f.cases.map((c) => c.kind)));
  const missing = allNodes
    .map((d) => d.kind)
    .filter((k) => k.startsWith('indicator.') && !talib.has(k) && !referenced.has(k) && !(k in checkedElsewhere));
  assert.deepEqual(missing, []);
  for (const kind of Object.keys(checkedElsewhere)) assert.ok(registered.has(kind), `checkedElsewhere names ${kind}, which is not a kind`);
});

test("the README's Beyond TA-Lib section lists every indicator kind outside TA-Lib", () => {
  const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('#### Beyond TA-Lib'), readme.indexOf('\n### ', readme.indexOf('#### Beyond TA-Lib')));
  const talib = new Set(talibFunctions.map((f) => f.kind));
  const unlisted = allNodes.filter((d) => d.kind.startsWith('indicator.') && !talib.has(d.kind) && !section.includes(`\`${d.kind.slice('indicator.'.length)}\``)).map((d) => d.kind);
  assert.deepEqual(unlisted, []);
});
