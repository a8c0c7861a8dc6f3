#!/usr/bin/env node
// npm run build bundles the CLI into dist/cli/hean.cjs with V8's code cache beside it; start.ts
// answers --version and --help without it and loads it for every other command.
import { start } from '../dist/runtime/cli/start.js';

process.exitCode = await start(process.argv.slice(2));
