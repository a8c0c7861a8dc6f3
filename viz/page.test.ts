import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, htmlPage, jsonScript, uplotAssets } from './page.js';

test('pages forbid every network fetch (CSP) and inline all they need', () => {
  const page = htmlPage({ title: 'a <b>', body: '<p>x</p>', scripts: ['var a = "</script><b>";'], uplot: true });
  assert.match(page, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:">/);
  assert.match(page, /<title>a &lt;b&gt;<\/title>/);
  assert.ok(!/<(script|link|img)[^>]+(src|href)="(https?:)?\/\//.test(page), 'no external resource');
  assert.ok(page.includes('var a = "<\\/script><b>";'), 'an inline script cannot close its element');
  assert.ok(page.includes('uPlot'), 'uPlot inlined');
});

test('uPlot is found from the installed package (JS and CSS)', () => {
  const { js, css } = uplotAssets();
  assert.ok(js.length > 40_000 && js.includes('uPlot'));
  assert.ok(css.includes('.uplot'));
});

test('escaping and the JSON data island', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  const island = jsonScript('d', { s: '</script><!-- \u2028' });
  assert.equal(island, '<script type="application/json" id="d">{"s":"\\u003c/script\\u003e\\u003c!-- \\u2028"}</script>');
  assert.deepEqual(JSON.parse(island.slice(island.indexOf('>') + 1, -'</script>'.length)), { s: '</script><!-- \u2028' });
});
