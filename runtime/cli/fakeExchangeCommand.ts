import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { dataSearchPath } from '../adapters/file/resolveDataFile.js';
import { parseTimeParam } from '../data/timeframe.js';
import { INVALID, OK } from './usage.js';

/**
 * `hean fake-exchange`: the local fake Binance spot server (runtime/testing/fakeBinance) for
 * trying the exchange adapter without an exchange: it replays the recorded files on a virtual
 * clock and runs until interrupted.
 */
export async function fakeExchangeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { port: { type: 'string', default: '8765' }, host: { type: 'string', default: '127.0.0.1' }, start: { type: 'string' }, speed: { type: 'string', default: '1' }, balance: { type: 'string', multiple: true } },
  });
  const usage = (message: string) => (console.error(`hean fake-exchange: ${message}\nUsage: hean fake-exchange [--port 8765] [--host 127.0.0.1] [--start TIME] [--speed N] [--balance ASSET=AMOUNT]...`), INVALID);
  if (positionals.length) return usage(`takes no positional arguments, found ${positionals.join(' ')}`);
  const port = Number(values.port);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) return usage(`--port is "${values.port}"; expected a port number 0..65535 (0: any free port)`);
  const speed = Number(values.speed);
  if (!(speed > 0 && Number.isFinite(speed))) return usage(`--speed is "${values.speed}"; expected recorded ms per wall ms > 0 (60: one recorded minute per second)`);
  let start: number | undefined;
  try {
    start = values.start === undefined ? undefined : parseTimeParam(/^\d+$/.test(values.start) ? Number(values.start) : values.start);
  } catch (e) {
    return usage(`--start: ${(e as Error).message}`);
  }
  const { RECORDED_FILES, loadMarketData } = await import('../testing/fakeBinance/marketData.js');
  const { startFakeBinance } = await import('../testing/fakeBinance/fakeBinance.js');
  const dirs = dataSearchPath();
  const find = (name: string) => dirs.map((d) => join(d, name)).find((p) => existsSync(p));
  const paths = { candles: find(RECORDED_FILES.candles), trades: find(RECORDED_FILES.trades), book: find(RECORDED_FILES.book) };
  if (!paths.candles && !paths.trades && !paths.book) {
    console.error(`hean fake-exchange: none of the recorded files (${Object.values(RECORDED_FILES).join(', ')}) is in ${dirs.join(' or ')}; set HEAN_DATA_DIR to the directory that holds them`);
    return INVALID;
  }
  // A test account for the order endpoints: the key and secret a live run reads (never printed).
  const balances: Record<string, number> = {};
  for (const b of values.balance ?? ['USDT=10000']) {
    const m = /^([A-Z0-9]+)=([0-9.]+)$/.exec(b);
    if (!m) return usage(`--balance ${b}: expected ASSET=AMOUNT, e.g. --balance USDT=10000`);
    balances[m[1]] = Number(m[2]);
  }
  const apiKey = process.env.HEAN_BINANCE_API_KEY;
  const secret = process.env.HEAN_BINANCE_SECRET;
  const accounts = apiKey && secret ? [{ apiKey, secret, balances }] : [];
  const data = await loadMarketData(paths);
  const fake = await startFakeBinance({ data, host: values.host, port, start, speed, accounts });
  const iso = (ms: number) => new Date(ms).toISOString();
  const btc = data.get('BTCUSDT')!;
  console.log(`fake Binance spot on ${fake.url} (websocket ${fake.wsUrl}/ws)`);
  console.log(`  market time ${iso(fake.now())}, ${speed} recorded ms per wall ms`);
  console.log(`  user-data stream (order updates) on ${fake.wsUrl}/ws-api/v3 (userDataStream.subscribe.signature) or POST /api/v3/userDataStream then ${fake.wsUrl}/ws/<listenKey>`);
  if (btc.candles) console.log(`  BTCUSDT candles ${iso(btc.candles.time[0])} .. ${iso(btc.candles.time[btc.candles.time.length - 1])} (${paths.candles})`);
  if (btc.trades) console.log(`  BTCUSDT trades ${iso(btc.trades.time[0])} .. ${iso(btc.trades.time[btc.trades.time.length - 1])} (${paths.trades})`);
  if (btc.book) console.log(`  BTCUSDT book ${iso(btc.book.time[0])} .. ${iso(btc.book.time[btc.book.time.length - 1])} (${paths.book})`);
  console.log(accounts.length ? `  test account: the key in HEAN_BINANCE_API_KEY, balances ${Object.entries(balances).map(([a, v]) => `${v} ${a}`).join(', ')}` : '  no test account (set HEAN_BINANCE_API_KEY and HEAN_BINANCE_SECRET to trade on it)');
  console.log(`  bind a source to it: --bind bars.exchange=binance --bind bars.symbol=BTC/USDT --bind bars.url=${fake.url}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await fake.close();
  return OK;
}
