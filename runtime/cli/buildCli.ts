import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { packageRoot } from './usage.js';

// npm run build, after tsc: bundles the CLI into CommonJS files that start fast (bin/hean.js is
// CommonJS too: Node's ES module loader costs 10-20 ms of CPU at start). Then writeCodeCache.ts
// writes V8's code for the big one, in a fresh process.
//   dist/cli/start.cjs  what bin/hean.js loads: --version and --help, and loadBundle for the rest
//   dist/cli/hean.cjs   main.ts with everything it imports, except packages that only some
//                       commands load, and whose size every start would pay to read and decode:
//                       ccxt, ioredis, ws, prom-client, bullmq and onnxruntime-node (native).

const dist = join(packageRoot, 'dist');
const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
  define: { 'import.meta.url': '__heanBundleUrl' },
  banner: { js: "'use strict'; const __heanBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
};

rmSync(join(dist, 'cli'), { recursive: true, force: true });
await build({ ...common, entryPoints: [join(dist, 'runtime', 'cli', 'start.js')], outfile: join(dist, 'cli', 'start.cjs') });
await build({
  ...common,
  entryPoints: [join(dist, 'runtime', 'cli', 'main.js')],
  outfile: join(dist, 'cli', 'hean.cjs'),
  external: ['onnxruntime-node', 'bullmq', 'ccxt', 'ioredis', 'ws', 'prom-client'],
  // rxjs's ES module build: its CommonJS build defeats tree shaking.
  alias: { rxjs: join(packageRoot, 'node_modules', 'rxjs', 'dist', 'esm', 'index.js') },
  // A module behind import() is evaluated at its first import, synchronously inside the bundle.
  supported: { 'dynamic-import': false },
});
