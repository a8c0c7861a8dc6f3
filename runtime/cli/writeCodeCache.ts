import { join } from 'node:path';
import { loadBundle } from './loadBundle.js';
import { packageRoot } from './usage.js';

// The last step of npm run build: loads the CLI bundle, validates an example graph with it (so that
// what every graph command runs first is compiled: YAML parsing, the schemas, the node kinds) and
// writes V8's code for it to dist/cli/hean.cache, which loadBundle.ts uses at each start.

const dir = join(packageRoot, 'dist', 'cli');
const bundle = loadBundle(join(dir, 'hean.cjs'), join(dir, 'hean.cache'));
const { main } = bundle.exports as { main(argv: string[]): Promise<number> };
const log = console.log;
console.log = () => {}; // the validation's report is not the build's output
let code: number;
try {
  code = await main(['validate', join(packageRoot, 'graphs', 'sma-cross.yaml')]);
} finally {
  console.log = log;
}
if (code !== 0) throw new Error(`writeCodeCache: hean validate graphs/sma-cross.yaml exited with ${code}; expected a valid example graph to compile the cache with`);
bundle.writeCache();
