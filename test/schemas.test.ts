/**
 * schemas/ is generated from the node declarations (`npm run schemas`); this fails when the
 * committed files are stale, and checks that the editor schema accepts the examples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Ajv } from 'ajv';
import { allNodes } from '../nodes/index.js';
import { schemaFiles } from '../runtime/graph/schemaFiles.js';
import { projectRoot } from '../runtime/testing/dataFile.js';

const files = schemaFiles(allNodes);

test('schemas/ matches the node declarations (run `npm run schemas` after changing a node)', () => {
  const committed = new Set([
    'graph.schema.json',
    ...readdirSync(join(projectRoot, 'schemas', 'nodes')).map((f) => `nodes/${f}`),
    ...readdirSync(join(projectRoot, 'schemas', 'events')).map((f) => `events/${f}`),
  ]);
  assert.deepEqual([...committed].sort(), [...files.keys()].sort(), 'the set of schema files');
  for (const [path, text] of files) assert.equal(readFileSync(join(projectRoot, 'schemas', path), 'utf8'), text, `schemas/${path} is stale`);
});

test('graph.schema.json accepts every example graph and rejects a wrong param type', () => {
  const validate = new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(files.get('graph.schema.json')!));
  const graphs = readdirSync(join(projectRoot, 'graphs')).filter((f) => f.endsWith('.yaml'));
  for (const name of graphs) {
    const doc = parse(readFileSync(join(projectRoot, 'graphs', name), 'utf8'));
    assert.ok(validate(doc), `${name}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  }
  const bad = parse(readFileSync(join(projectRoot, 'graphs', 'sma-cross.yaml'), 'utf8'));
  bad.nodes.fast.params.timePeriod = 'ten';
  assert.equal(validate(bad), false);
  bad.nodes.fast.params.timePeriod = 10;
  bad.nodes.fast.kind = 'indicator.nope';
  assert.equal(validate(bad), false);
});
