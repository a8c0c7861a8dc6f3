import { createServer, type Server } from 'node:http';
import { RunTally } from './runTally.js';
import type { RunMetrics } from './runMetrics.js';

/**
 * `hean run --metrics-port PORT`: serves GET /metrics (the Prometheus text format) while a paper
 * or live run runs, and 404 for any other path. It binds 127.0.0.1 unless told otherwise (a
 * metrics endpoint shows positions and equity: exposing it is the user's choice, --metrics-host).
 * prom-client (about 200 ms to load) is imported here, so runs without metrics never load it.
 */
export interface MetricsServer {
  /** `http://HOST:PORT/metrics`, with the port actually bound (port 0 picks a free one). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The hooks to pass to runGraph (RunOptions.metrics). */
  readonly metrics: RunMetrics;
  close(): Promise<void>;
}

export class MetricsServerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricsServerError';
  }
}

export async function startMetricsServer(options: { port: number; host?: string; graph: string; mode: string }): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535) throw new MetricsServerError(`metrics port ${options.port}: expected a whole number from 0 to 65535 (0 picks a free port)`);
  const [prom, { prometheusView }] = await Promise.all([import('prom-client'), import('./prometheusExporter.js')]);
  const tally = new RunTally();
  const view = prometheusView(prom, tally, { graph: options.graph, mode: options.mode });
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${path}; this server serves GET /metrics only\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end(`${req.method} /metrics: only GET (or HEAD)\n`);
      return;
    }
    view.scrape().then(
      (text) => res.writeHead(200, { 'content-type': view.registry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      (e: Error) => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`scrape failed: ${e.message}\n`),
    );
  });
  // A scrape must never keep the process alive after the run.
  server.keepAliveTimeout = 5_000;
  await listen(server, options.port, host);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/metrics`,
    host,
    port,
    metrics: tally,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
      if (e.code === 'EADDRINUSE') reject(new MetricsServerError(`cannot serve metrics on ${where}: the port is already in use (another hean run, or another exporter); pick another --metrics-port, or 0 for a free one`));
      else if (e.code === 'EACCES') reject(new MetricsServerError(`cannot serve metrics on ${where}: permission denied (ports below 1024 need privileges); pick a port from 1024, e.g. 9464, or 0 for a free one`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') reject(new MetricsServerError(`cannot serve metrics on ${where}: ${host} is not an address of this machine (${e.code}); use 127.0.0.1 (default), 0.0.0.0 for every interface, or one of this machine's addresses`));
      else reject(new MetricsServerError(`cannot serve metrics on ${where}: ${e.message}`));
    });
    server.listen(port, host, () => resolve());
  });
}
