/**
 * Each family folder's index.ts lists exactly the node kinds defined in that folder (no kind
 * registered from another family's index, none forgotten).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyNodeDefinition } from '../../runtime/defineNode.js';
import { projectRoot } from '../../runtime/testing/dataFile.js';

const sourceDir = join(projectRoot, 'nodes', 'indicator');
const families = readdirSync(sourceDir, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name !== 'kernels').map((d) => d.name);

const isNode = (x: unknown): x is AnyNodeDefinition => typeof x === 'object' && x !== null && typeof (x as AnyNodeDefinition).kind === 'string' && typeof (x as AnyNodeDefinition).create === 'function';

for (const family of families) {
  test(`indicator/${family}/index.ts lists exactly the kinds of its folder`, async () => {
    // Source file names, not dist/: a stale build output must not count.
    const files = readdirSync(join(sourceDir, family)).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts');
    const defined: string[] = [];
    for (const file of files) {
      const mod: Record<string, unknown> = await import(`./${family}/${file.replace(/\.ts$/, '.js')}`);
      defined.push(...Object.values(mod).filter(isNode).map((d) => d.kind));
    }
    const index: Record<string, unknown> = await import(`./${family}/index.js`);
    const lists = Object.values(index).filter(Array.isArray) as AnyNodeDefinition[][];
    assert.equal(lists.length, 1, `${family}/index.ts exports one list`);
    const listed = lists[0].map((d) => d.kind);
    assert.equal(new Set(listed).size, listed.length, 'no kind listed twice');
    assert.deepEqual([...listed].sort(), defined.sort());
  });
}
