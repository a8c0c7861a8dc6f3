/**
 * The tune and walk-forward pages, opened in a real browser (Debian's chromium, headless, driven
 * by playwright-core) as test/vizBrowser.test.ts opens the others: each loads from a file with no
 * console error and no network request, its SVG charts have one mark per trial or fold, and
 * pointing at a mark shows that trial's params (or that fold's details) and highlights the same
 * trial or fold in every chart and table. Pages are made from synthetic data (viz/testing.ts); a
 * screenshot of each is written under the test's temp directory (printed as a diagnostic).
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { syntheticStudy, syntheticWalkForward } from '../viz/testing.js';
import { tunePage } from '../viz/tunePage.js';
import { walkForwardPage } from '../viz/walkForwardPage.js';

const CHROMIUM = process.env.HEAN_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const out = mkdtempSync(join(tmpdir(), 'hean-viz-tune-browser-'));
const shots = join(out, 'screenshots');
mkdirSync(shots);
let context: BrowserContext;

before(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set HEAN_CHROMIUM`);
  context = await chromium.launchPersistentContext(join(out, 'profile'), { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1400, height: 900 } });
});

after(async () => {
  await context?.close();
});

interface Opened {
  page: Page;
  errors: string[];
  requests: string[];
}

/** Writes a page and opens it, recording console errors, uncaught exceptions and every request but the file itself. */
async function open(name: string, html: string): Promise<Opened> {
  const file = join(out, `${name}.html`);
  writeFileSync(file, html);
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, errors, requests };
}

async function clean(t: TestContext, o: Opened, name: string): Promise<void> {
  await o.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  assert.deepEqual(o.errors, [], 'no console errors');
  assert.deepEqual(o.requests, [], 'no network requests');
  const path = join(shots, `${name}.png`);
  await o.page.screenshot({ path, fullPage: true });
  t.diagnostic(`screenshot: ${path}`);
}

test('tune page: a mark per trial in each chart; pointing at a trial shows its params and highlights it everywhere', async (t) => {
  const data = syntheticStudy(120);
  const o = await open('tune', tunePage(data));
  const { page } = o;
  const complete = data.trials.filter((x) => x.state === 'complete');
  const pruned = data.trials.filter((x) => x.state === 'pruned');
  assert.equal(await page.locator('svg.history circle.trial.complete').count(), complete.length);
  assert.equal(await page.locator('svg.history circle.trial.pruned').count(), pruned.length);
  assert.equal(await page.locator('svg.history path.best-line').count(), 1);
  assert.equal(await page.locator('svg.pareto circle.trial.front').count(), data.paretoFront!.length);
  assert.equal(await page.locator('svg.pareto circle.trial').count(), complete.length);
  assert.equal(await page.locator('svg.slice-chart').count(), data.params.length);
  assert.equal(await page.locator('svg.slice-chart circle.trial').count(), data.params.length * complete.length);
  assert.equal(await page.locator('.imp-row').count(), 4);

  // The best trial (on the front too): its dot in the history.
  const best = [...complete].sort((a, b) => b.values[0]! - a.values[0]!)[0];
  const panel = page.locator('.item-panel');
  assert.equal(await panel.isVisible(), false, 'no panel until a trial is pointed at');
  await page.hover(`svg.history circle[data-item="${best.number}"]`);
  assert.equal(await panel.getAttribute('data-item'), String(best.number));
  assert.ok(await panel.isVisible());
  const text = await panel.innerText();
  assert.match(text, new RegExp(`trial #${best.number} · complete`));
  for (const name of ['fast', 'slow', 'kind']) assert.match(text, new RegExp(`${name}\\s+${best.params[name]}`));
  assert.match(text, new RegExp(`Sharpe\\s+${best.values[0]!.toFixed(2)}`));
  assert.match(text, /trades\s+\d+/, 'metrics too');
  // One dot in the history, the front, each slice; its rows in the front table and in all trials.
  assert.equal(await page.locator('circle.hl').count(), 2 + data.params.length);
  assert.equal(await page.locator('tr.hl').count(), 2);

  // Click pins it: pointing elsewhere and away comes back to it; Escape closes it.
  await page.click(`svg.history circle[data-item="${best.number}"]`);
  const other = complete.find((x) => x.number !== best.number && data.paretoFront!.includes(x.number))!;
  await page.hover(`svg.pareto circle[data-item="${other.number}"]`);
  assert.equal(await panel.getAttribute('data-item'), String(other.number));
  await page.mouse.move(5, 5);
  assert.equal(await panel.getAttribute('data-item'), String(best.number));
  assert.match(await panel.innerText(), /pinned/);
  await page.keyboard.press('Escape');
  assert.equal(await panel.isVisible(), false);

  // A row of the best-trials table works the same way.
  await page.hover(`table.best tr[data-item="${other.number}"]`);
  assert.equal(await panel.getAttribute('data-item'), String(other.number));
  await page.mouse.move(5, 5);
  await clean(t, o, 'tune');
  await page.close();
});

test('walk-forward page: bands, curves and choices per fold; pointing at a fold shows its details', async (t) => {
  const data = syntheticWalkForward(12);
  const o = await open('walkforward', walkForwardPage(data));
  const { page } = o;
  assert.equal(await page.locator('svg.equity-chart .fold-band').count(), 12);
  assert.equal(await page.locator('svg.equity-chart path.equity').count(), 2, 'stitched and one comparison');
  assert.equal(await page.locator('svg.equity-chart path.equity.stitched').getAttribute('data-points'), String(data.stitched.t.length));
  assert.equal(await page.locator('table.folds tbody tr').count(), 12);
  assert.equal(await page.locator('svg.stability-chart').count(), 3);
  assert.equal(await page.locator('svg.stability-chart circle.choice').count(), 3 * 11, 'fold 3 has no params');

  const panel = page.locator('.item-panel');
  await page.hover('svg.equity-chart .fold-band[data-item="4"] rect');
  assert.equal(await panel.getAttribute('data-item'), '4');
  const text = await panel.innerText();
  assert.match(text, /fold 4/);
  assert.match(text, /fast\s+15/);
  assert.match(text, /test\s+2021-09-30 \.\. 2021-12-30/);
  assert.equal(await page.locator('table.folds tr.hl').getAttribute('data-item'), '4', 'its row is highlighted');
  assert.equal(await page.locator('svg.stability-chart circle.choice.hl').count(), 3);

  await page.hover('table.folds tr[data-item="3"]');
  assert.match(await panel.innerText(), /params\s+none/);
  await page.hover('svg.stability-chart circle.choice[data-item="5"] >> nth=0');
  assert.match(await panel.innerText(), /fast\s+20/);
  await page.mouse.move(5, 5);
  await clean(t, o, 'walkforward');
  await page.close();
});
