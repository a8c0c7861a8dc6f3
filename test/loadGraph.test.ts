/** Reading a graph file that is not what it should be: refused or diagnosed, never trusted. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { GRAPH_MAX_BYTES } from '../runtime/boundedRead.js';
import { formatDiagnostic, type Diagnostic } from '../runtime/diagnostics.js';
import { compileGraph } from '../runtime/graph/compileGraph.js';
import { defaultRegistry, loadGraph } from '../runtime/loadGraph.js';
import { projectRoot } from '../runtime/testing/dataFile.js';

const dir = mkdtempSync(join(tmpdir(), 'hean-loadGraph-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const example = readFileSync(join(projectRoot, 'graphs', 'sma-cross.yaml'));

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The only diagnostic, which must have `code`. */
function only(diagnostics: Diagnostic[], code: string): Diagnostic {
  assert.equal(diagnostics.length, 1, diagnostics.map(formatDiagnostic).join('\n'));
  assert.equal(diagnostics[0].code, code, formatDiagnostic(diagnostics[0]));
  return diagnostics[0];
}

describe('loadGraph: what is read', () => {
  it('a directory and /proc/self/environ are refused, saying what they are', () => {
    const folder = join(dir, 'folder.yaml');
    mkdirSync(folder);
    assert.match(only(loadGraph(folder).diagnostics, 'graph/read').message, /cannot read the graph: it is a directory, not a regular file; expected a graph \(a YAML file\)/);
    const environ = only(loadGraph('/proc/self/environ').diagnostics, 'graph/read');
    assert.match(environ.message, /is a kernel file .*under \/proc/);
    for (const value of Object.values(process.env)) if (value && value.length >= 6) assert.ok(!formatDiagnostic(environ).includes(value), 'an environment value is in the message');
  });

  it(`a file over ${GRAPH_MAX_BYTES / 2 ** 20} MiB is refused before parsing, whatever it holds`, () => {
    const padding = Buffer.alloc(GRAPH_MAX_BYTES, '# padding\n');
    const path = write('padded.yaml', Buffer.concat([example, padding]));
    const d = only(loadGraph(path).diagnostics, 'graph/read');
    assert.match(d.message, /it is 1,049,705 bytes, over the 1 MiB \(1,048,576 bytes\) limit for a graph \(a YAML file\); a graph is a few KB/);
    assert.equal(loadGraph(write('fits.yaml', Buffer.concat([example, padding.subarray(0, GRAPH_MAX_BYTES - example.length)]))).graph?.name, 'sma-cross');
  });
});

describe('loadGraph: encoding', () => {
  it('UTF-16 and UTF-32 (with a byte-order mark) are named, not parsed as "a single value"', () => {
    const text = example.toString('utf8');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    const cases: [string, Buffer][] = [
      ['UTF-16 little-endian', le],
      ['UTF-16 big-endian', be],
      ['UTF-32 little-endian', Buffer.from([0xff, 0xfe, 0, 0, 0x76, 0, 0, 0])],
    ];
    for (const [name, bytes] of cases) {
      const d = only(loadGraph(write(`${name.replace(/ /g, '-')}.yaml`, bytes)).diagnostics, 'graph/encoding');
      assert.equal(`${d.line}:${d.col}`, '1:1');
      assert.match(d.message, new RegExp(`the file is ${name} text \\(it starts with that byte-order mark\\); expected UTF-8`));
      assert.match(d.hint ?? '', /save the file as UTF-8/);
    }
    // UTF-16 without a mark: the NUL bytes give it away.
    const bare = only(loadGraph(write('utf16-bare.yaml', Buffer.from(text, 'utf16le'))).diagnostics, 'graph/encoding');
    assert.match(bare.message, /found a NUL byte: the file is binary, or UTF-16 without a byte-order mark/);
  });

  it('a byte that is not UTF-8 is an error at its line:col (it could be inside a param), a NUL byte too; a UTF-8 BOM is fine', () => {
    const text = example.toString('utf8');
    const at = text.indexOf('symbol: BTCUSDT') + 'symbol: BTC'.length;
    const latin1 = Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0xc9]), Buffer.from(text.slice(at))]);
    const line = text.slice(0, at).split('\n').length;
    const col = at - text.lastIndexOf('\n', at - 1);
    const d = only(loadGraph(write('latin1.yaml', latin1)).diagnostics, 'graph/encoding');
    assert.equal(`${d.line}:${d.col}`, `${line}:${col}`);
    assert.match(d.message, /found byte 0xc9 that is not UTF-8; expected UTF-8 text/);
    const nul = Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from([0]), Buffer.from(text.slice(at))]);
    const n = only(loadGraph(write('nul.yaml', nul)).diagnostics, 'graph/encoding');
    assert.equal(`${n.line}:${n.col}`, `${line}:${col}`);
    const overlong = Buffer.concat([Buffer.from('# \u00e9\n'), Buffer.from([0xc0, 0xaf]), example]);
    assert.equal(`${only(loadGraph(write('overlong.yaml', overlong)).diagnostics, 'graph/encoding').line}`, '2');
    const bom = loadGraph(write('bom.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), example])));
    assert.equal(bom.graph?.name, 'sma-cross', bom.diagnostics.map(formatDiagnostic).join('\n'));
  });
});

describe('parseYaml: nesting', () => {
  const cases: [string, (levels: number) => string, number, string][] = [
    // [what, text nesting that many levels, levels (far more than yaml can recurse), position of level 65]
    ['block maps, closed all at once', (n) => Array.from({ length: n }, (_, i) => ' '.repeat(i) + 'a:\n').join('') + ' '.repeat(n) + '1\nb: 2\n', 1400, '65:65'],
    ['compact block sequences', (n) => '- '.repeat(n) + '1\nx: 1\n', 200_000, '1:129'],
    ['flow sequences', (n) => 'a: ' + '['.repeat(n - 1) + ']'.repeat(n - 1), 300_000, '1:67'],
    ['flow maps', (n) => '{a: '.repeat(n) + '1' + '}'.repeat(n), 100_000, '1:257'],
  ];
  for (const [what, nest, levels, pos] of cases) {
    it(`${what}: one positioned yaml/too-deep at level 65, no stack overflow; 64 levels parse`, () => {
      const d = only(compileGraph(nest(levels), 'deep.yaml', defaultRegistry).diagnostics, 'yaml/too-deep');
      assert.equal(`${d.line}:${d.col}`, pos);
      assert.match(d.message, /the document nests more than 64 levels deep \(this collection is level 65\)/);
      const fits = compileGraph(nest(64), 'deep.yaml', defaultRegistry).diagnostics;
      assert.ok(!fits.some((x) => x.code === 'yaml/too-deep'), fits.map(formatDiagnostic).join('\n'));
    });
  }
});

describe('parseYaml: quoting', () => {
  it('keys, aliases and tokens from the file are quoted short', () => {
    const key = 'k'.repeat(5000);
    const texts = [
      `version: 1\nname: x\nnodes:\n  ${key}: { kind: source.candles }\n  ${key}: { kind: source.candles }\n`,
      `version: 1\nname: *${key}\nnodes: {}\n`,
      `version: 1\nname: x\nnodes: {}\n}${key}\n`,
      `version: 1\nname: !${key} x\nnodes: {}\n`,
    ];
    for (const text of texts) {
      const { diagnostics } = compileGraph(text, 'long.yaml', defaultRegistry);
      assert.ok(diagnostics.length > 0);
      for (const d of diagnostics) assert.ok(formatDiagnostic(d).length < 400, formatDiagnostic(d).slice(0, 400));
    }
  });
});

describe('compiler messages quote what the graph says short', () => {
  it('a 3,000-character kind, wire, input, param or port is cut, not echoed whole', () => {
    const k = 'x'.repeat(3000);
    const text = `version: 1
name: h
nodes:
  bars: { kind: source.candles, params: { symbol: X, timeframe: 1h } }
  a: { kind: indicator.${k}, in: { series: bars.close } }
  b: { kind: indicator.sma, in: { series: ${k}.close, ${k}: bars.close }, params: { ${k}: 1 } }
  c: { kind: indicator.sma, in: { series: bars.${k} } }
`;
    const { diagnostics } = compileGraph(text, 'long.yaml', defaultRegistry);
    const codes = diagnostics.map((d) => d.code).sort();
    assert.deepEqual(codes, ['input/unknown', 'node/unknown-kind', 'params/unknown', 'wire/unknown-node', 'wire/unknown-port']);
    for (const d of diagnostics) assert.ok(!d.message.includes('x'.repeat(100)), `${d.code}: ${d.message.slice(0, 200)}`);
  });
});
