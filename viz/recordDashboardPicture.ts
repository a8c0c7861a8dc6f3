/**
 * Makes docs/grafana/hean-dashboard.png, the README's picture of the Grafana dashboard
 * (`node dist/viz/recordDashboardPicture.js [SECONDS]`, needs Redis on 127.0.0.1:6379 and
 * /usr/bin/chromium). A real paper run of sma-cross on 1-second candles: real BTCUSDT 1h prices
 * from the data directory, re-timed to the present (a 4-minute backlog, then one candle a second,
 * published to a Redis stream as they "close"), consumed through a consumer group with
 * --metrics-port; /metrics is scraped every second, and each dashboard panel is evaluated over
 * those scrapes (dashboardPreview.ts) and drawn in headless Chromium. Not Grafana: the same
 * queries on the same kind of data, drawn by hean's own stand-in.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { readCandleCsv } from '../runtime/adapters/file/readCandleCsv.js';
import { connectRedis, ready, redisUrl } from '../runtime/adapters/redis/connection.js';
import { publishColumns } from '../runtime/adapters/redis/publish.js';
import { CANDLE_FIELDS } from '../runtime/ports.js';
import { dataFile, projectRoot } from '../runtime/testing/dataFile.js';
import { dashboardPage, parseExposition, type Scrape } from './dashboardPreview.js';

const SECONDS = Number(process.argv[2] ?? 150);
const BACKLOG = 240;
const FIRST_ROW = 30_000; // 2021-2022 BTCUSDT hours: prices that move

async function main(): Promise<void> {
  const bars = await readCandleCsv(dataFile('btcusdt_1h_binance_2017-08_2024-04.csv.gz'), { timeframeMs: 3_600_000 });
  const redis = connectRedis(redisUrl(undefined), { name: 'hean-dashboard', log: () => {} });
  await ready(redis, 5000);
  const key = `hean-dashboard:${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), 'hean-dashboard-'));
  // Candle k closes at start + (k + 1) s; its open time is its close minus the timeframe.
  const start = Math.floor(Date.now() / 1000) * 1000 - BACKLOG * 1000;
  const candle = (k: number) => {
    const close = start + (k + 1) * 1000;
    const row = FIRST_ROW + k;
    return { t: new Float64Array([close]), columns: CANDLE_FIELDS.map((f) => new Float64Array([f === 'time' ? close - 1000 : bars[f][row]])) };
  };
  const publish = async (from: number, to: number) => {
    const t = new Float64Array(to - from);
    const columns = CANDLE_FIELDS.map(() => new Float64Array(to - from));
    for (let k = from; k < to; k++) {
      const c = candle(k);
      t[k - from] = c.t[0];
      c.columns.forEach((col, j) => (columns[j][k - from] = col[0]));
    }
    await publishColumns(redis, key, { t, names: CANDLE_FIELDS, columns, meta: { record: 'candles', timeframe: '1s', symbol: 'BTCUSDT' }, replace: from === 0 });
  };
  await publish(0, BACKLOG);
  const graph = readFileSync(join(projectRoot, 'graphs', 'sma-cross.yaml'), 'utf8').replace('timeframe: 1h', 'timeframe: 1s').replace(/modes:[\s\S]*$/, `modes:\n  paper:\n    bars: { stream: ${key} }\n`);
  writeFileSync(join(dir, 'sma-cross-1s.yaml'), graph);
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'hean.js'), 'run', join(dir, 'sma-cross-1s.yaml'), '--mode', 'paper', '--metrics-port', '0', '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  for (let i = 0; i < 500 && !/metrics at (\S+)/.test(stderr); i++) await sleep(20);
  const url = /metrics at (\S+)/.exec(stderr)?.[1];
  if (!url) throw new Error(`no metrics URL: ${stderr}`);
  const scrapes: Scrape[] = [];
  let next = BACKLOG;
  const began = Date.now();
  while (Date.now() - began < SECONDS * 1000) {
    const due = start + (next + 1) * 1000;
    if (Date.now() >= due) await publish(next, ++next);
    const text = await (await fetch(url)).text();
    scrapes.push({ at: Date.now() / 1000, samples: parseExposition(text) });
    process.stderr.write(`\r${scrapes.length} scrapes, ${next} candles`);
    await sleep(1000 - (Date.now() % 1000) + 50);
  }
  child.kill('SIGINT');
  await exited;
  await redis.del(key, `${key}:meta`);
  await redis.quit();
  const dashboard = JSON.parse(readFileSync(join(projectRoot, 'docs', 'grafana', 'hean-dashboard.json'), 'utf8'));
  const note = `stand-in rendering (not Grafana): each panel's query evaluated over ${scrapes.length} scrapes of a real paper run, sma-cross on real BTCUSDT prices re-timed to 1 s candles`;
  const html = join(dir, 'dashboard.html');
  writeFileSync(html, dashboardPage(dashboard, scrapes, note));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const page = await browser.newPage({ viewport: { width: 24 * 52 + 16, height: 800 } });
  await page.goto(`file://${html}`);
  const out = join(projectRoot, 'docs', 'grafana', 'hean-dashboard.png');
  await page.screenshot({ path: out, fullPage: true });
  await browser.close();
  console.error(`\nwrote ${out} (page: ${html})`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
