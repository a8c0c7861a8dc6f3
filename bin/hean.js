#!/usr/bin/env node
'use strict';
// CommonJS (bin/package.json): Node's ES module loader would add 10-20 ms to every start. npm run
// build bundles start.ts into dist/cli/start.cjs: it answers --version and --help at once and
// loads the CLI bundle (dist/cli/hean.cjs, with V8's code cache beside it) for every other command.
require('../dist/cli/start.cjs')
  .start(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
