#!/usr/bin/env node
// The CLI is bundled at build time (npm run build) into dist/cli/: main.js parses the arguments and
// each command imports its own chunks, so that no command parses the code of the others.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
