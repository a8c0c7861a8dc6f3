import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** Where `hean data download` writes and where sources look last: $HEAN_HOME/data or the XDG data dir. */
export function userDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HEAN_HOME) return join(resolve(env.HEAN_HOME), 'data');
  const base = env.XDG_DATA_HOME ? resolve(env.XDG_DATA_HOME) : join(homedir(), '.local', 'share');
  return join(base, 'hean', 'data');
}

/** The directories searched for a data file name, in order. */
export function dataSearchPath(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs: string[] = [];
  if (env.HEAN_DATA_DIR) dirs.push(resolve(env.HEAN_DATA_DIR));
  dirs.push(userDataDir(env));
  return dirs;
}

export class DataNotFoundError extends Error {
  constructor(
    readonly file: string,
    readonly tried: string[],
  ) {
    super(`data file ${file} not found; looked for:\n${tried.map((p) => `  ${p}`).join('\n')}\n${fetchHint(file)}`);
    this.name = 'DataNotFoundError';
  }
}

/** For files named like the downloader names them, the exact command that fetches them. */
function fetchHint(file: string): string {
  const m = /^([a-z0-9]+)_(\d+[smhdw])_binance_(\d{4}-\d{2})_(\d{4}-\d{2})\.csv(\.gz)?$/.exec(file.split(/[\\/]/).pop() ?? '');
  if (m) {
    const [, symbol, tf, from, to] = m;
    const [y, mo] = to.split('-').map(Number);
    const next = new Date(Date.UTC(y, mo, 1)).toISOString().slice(0, 10);
    return `Fetch it with: hean data download binance ${symbol.toUpperCase()} ${tf} --from ${from}-01 --to ${next}\n(or set HEAN_DATA_DIR to a directory that has it, or pass --data FILE)`;
  }
  return 'Set HEAN_DATA_DIR to the directory that holds it, or pass --data FILE with its path.';
}

/**
 * Resolves a data file: a path that exists as given (absolute, or relative to the working
 * directory) wins; a bare name is then looked up in HEAN_DATA_DIR and the user data directory.
 */
export function resolveDataFile(file: string, env: NodeJS.ProcessEnv = process.env): string {
  const tried: string[] = [];
  const direct = resolve(file);
  if (existsSync(direct)) return direct;
  tried.push(direct);
  if (!isAbsolute(file)) {
    for (const dir of dataSearchPath(env)) {
      const candidate = join(dir, file);
      if (existsSync(candidate)) return candidate;
      tried.push(candidate);
    }
  }
  throw new DataNotFoundError(file, tried);
}
