import { join } from 'node:path';
import { packageRoot, versionOrHelp } from './usage.js';

/**
 * What bin/hean.js runs: `--version` and `--help` at once, every other command in the CLI bundle
 * (main.ts bundled with everything it imports into dist/cli/hean.cjs by npm run build), loaded
 * with its code cache.
 */
export async function start(argv: string[]): Promise<number> {
  const quick = versionOrHelp(argv[0]);
  if (quick !== undefined) return quick;
  const { loadBundle } = await import('./loadBundle.js'); // with node:crypto and node:vm, which --version does without
  const dir = join(packageRoot, 'dist', 'cli');
  const cli = loadBundle(join(dir, 'hean.cjs'), join(dir, 'hean.cache')).exports as { main(argv: string[]): Promise<number> };
  return cli.main(argv);
}
