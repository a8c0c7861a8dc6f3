#!/usr/bin/env -S GLIBC_TUNABLES=${GLIBC_TUNABLES}:glibc.malloc.hugetlb=1 node
'use strict';
// The tunable lets glibc's malloc ask for transparent huge pages on its large blocks, where Node
// keeps ArrayBuffers: a backtest's columns are touched for the first time in 2 MB pages instead of
// 4 KB ones. On the 2-core VMs measured, filling a fresh 48 MB Float64Array took 140-300 ms of page
// faults without it and 15-30 ms with it (README "Speed"). Other systems ignore it.
// CommonJS (bin/package.json): Node's ES module loader would add 10-20 ms to every start. npm run
// build bundles start.ts into dist/cli/start.cjs: it answers --version and --help at once and
// loads the CLI bundle (dist/cli/hean.cjs, with V8's code cache beside it) for every other command.
require('../dist/cli/start.cjs')
  .start(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
