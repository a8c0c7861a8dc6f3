import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The shared real-data directory: HEAN_DATA_DIR, else ../shared/data beside the repo. */
export function dataDir(): string {
  return process.env.HEAN_DATA_DIR ? resolve(process.env.HEAN_DATA_DIR) : resolve(repoRoot, '..', 'shared', 'data');
}

/** The reference fixtures (TA-Lib outputs ...): ../shared/fixtures beside the data directory. */
export function fixturesDir(): string {
  return process.env.HEAN_FIXTURES_DIR ? resolve(process.env.HEAN_FIXTURES_DIR) : resolve(dataDir(), '..', 'fixtures');
}

export function dataFile(name: string): string {
  const path = join(dataDir(), name);
  if (!existsSync(path)) throw new Error(`test data ${name} not found in ${dataDir()}; set HEAN_DATA_DIR to the shared data directory`);
  return path;
}

export function fixtureFile(name: string): string {
  const path = join(fixturesDir(), name);
  if (!existsSync(path)) throw new Error(`fixture ${name} not found in ${fixturesDir()}; set HEAN_FIXTURES_DIR`);
  return path;
}

/** Root of the repository (for tests that read graphs/ or schemas/). */
export const projectRoot = repoRoot;
