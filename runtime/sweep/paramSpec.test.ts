import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseParamSpec, ParamSpecError } from './paramSpec.js';

test('--param: integer and float ranges, steps, log ranges, choices', () => {
  assert.deepEqual(parseParamSpec('fast=5..50'), ['fast', { type: 'int', low: 5, high: 50 }]);
  assert.deepEqual(parseParamSpec('stop=0.5..5'), ['stop', { type: 'float', low: 0.5, high: 5 }]);
  assert.deepEqual(parseParamSpec('slow=10..100:5'), ['slow', { type: 'int', low: 10, high: 100, step: 5 }]);
  assert.deepEqual(parseParamSpec('stop=0.5..5:0.5'), ['stop', { type: 'float', low: 0.5, high: 5, step: 0.5 }]);
  assert.deepEqual(parseParamSpec('lr=0.0001..0.1:log'), ['lr', { type: 'float', low: 0.0001, high: 0.1, log: true }]);
  assert.deepEqual(parseParamSpec('window=8..512:log'), ['window', { type: 'int', low: 8, high: 512, log: true }]);
  assert.deepEqual(parseParamSpec('fill=nextOpen,close'), ['fill', { type: 'categorical', choices: ['nextOpen', 'close'] }]);
  assert.deepEqual(parseParamSpec('k=1,2,3'), ['k', { type: 'categorical', choices: [1, 2, 3] }]);
});

test('--param errors say what was expected', () => {
  for (const [spec, message] of [
    ['fast', /expected name=LO\.\.HI/],
    ['fast=50..5', /write the lower bound first/],
    ['lr=0..1:log', /lower bound > 0/],
    ['x=1..2:0', /step must be positive/],
    ['fill=close', /one choice is no choice; fix it with --set fill=close/],
    ['fill=a,,b', /empty choice/],
    ['fill=a,a', /listed twice/],
    ['9x=1..2', /not a param name/],
  ] as const) {
    assert.throws(() => parseParamSpec(spec), (e: Error) => e instanceof ParamSpecError && message.test(e.message), spec);
  }
});
