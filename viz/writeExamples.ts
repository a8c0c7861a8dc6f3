/**
 * Regenerates the pictures in the README (docs/):
 *   docs/sma-cross.svg         the drawing of graphs/sma-cross.yaml, as `hean viz -o x.svg` writes it
 *   docs/sma-cross-report.png  the top of its backtest report (`hean run --report`), screenshotted
 *                              in headless chromium
 *
 *   npm run build && HEAN_DATA_DIR=../shared/data node dist/viz/writeExamples.js
 *
 * Needs the real data (the report is of the real backtest) and Debian's chromium at
 * /usr/bin/chromium (or HEAN_CHROMIUM).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { projectRoot } from '../runtime/testing/dataFile.js';
import { drawCompiled, drawGraph } from './drawGraph.js';
import { reportPage } from './reportPage.js';
import { exampleRun } from './testing.js';

const docs = join(projectRoot, 'docs');
mkdirSync(docs, { recursive: true });
const previous = process.cwd();
process.chdir(projectRoot); // file names in the pictures are relative to the repository

const drawing = await drawGraph('graphs/sma-cross.yaml', 'svg');
if (!drawing.ok || drawing.text === undefined) throw new Error('graphs/sma-cross.yaml does not compile');
const svgFile = join(docs, 'sma-cross.svg');
writeFileSync(svgFile, drawing.text);

const result = await exampleRun('sma-cross');
const html = reportPage({ result, drawing: await drawCompiled(result.graph), settings: { command: 'hean run graphs/sma-cross.yaml --report report.html', chunkSize: 1024, set: {} } });
const tmp = mkdtempSync(join(tmpdir(), 'hean-examples-'));
const page = join(tmp, 'report.html');
writeFileSync(page, html);
const context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
  executablePath: process.env.HEAN_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  viewport: { width: 1100, height: 1200 },
  deviceScaleFactor: 1,
});
const tab = await context.newPage();
await tab.goto(pathToFileURL(page).href);
// From the title to the end of the price chart.
const bottom = await tab.evaluate(() => {
  const price = document.querySelector('[data-chart="price"]')!;
  return Math.ceil(price.getBoundingClientRect().bottom + window.scrollY + 8);
});
const pngFile = join(docs, 'sma-cross-report.png');
await tab.screenshot({ path: pngFile, fullPage: true, clip: { x: 0, y: 0, width: 1100, height: bottom } });
await context.close();
rmSync(tmp, { recursive: true, force: true });
process.chdir(previous);
for (const file of [svgFile, pngFile]) console.log(`${relative(projectRoot, file)}: ${(statSync(file).size / 1024).toFixed(0)} KB`);
