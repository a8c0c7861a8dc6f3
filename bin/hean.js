#!/usr/bin/env node
// The CLI is bundled into one file at build time (npm run build): it starts in a third of the time.
import { main } from '../dist/hean.mjs';

process.exitCode = await main(process.argv.slice(2));
