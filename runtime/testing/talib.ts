import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fixtureFile } from './dataFile.js';

/** One TA-Lib function as listed in ../shared/fixtures/talib_functions.json (the naming contract). */
export interface TalibFunction {
  name: string;
  kind: string;
  group: string;
  inputs: { paramName: string; type: string; heanName?: string; heanNames?: string[]; fields?: string[] }[];
  inputPorts: string[];
  optInputs: {
    paramName: string;
    heanName: string;
    type: string;
    valueType: 'integer' | 'real';
    default: number;
    range?: { min: number; max: number };
    allowed?: { value: number; name: string; heanValue: string }[];
    isMAType?: boolean;
    defaultHean?: string;
  }[];
  outputs: { paramName: string; heanName: string }[];
  lookbackWithDefaults: number;
}

export const talibFunctions: TalibFunction[] = JSON.parse(readFileSync(fixtureFile('talib_functions.json'), 'utf8'));

interface TalibAddon {
  execute(request: Record<string, unknown>): { begIndex: number; nbElement: number; result: Record<string, number[]> };
}
let addon: TalibAddon | undefined;

/** The `talib` addon; `npm ci` does not build it (allowScripts), `npm test` does (`npm run talib`). */
function loadTalib(): TalibAddon {
  try {
    return createRequire(import.meta.url)('talib') as TalibAddon;
  } catch (e) {
    throw new Error(`the TA-Lib reference library is not built (${(e as Error).message.split('\n')[0]}); run \`npm run talib\` (needs g++ and python3), or \`npm test\`, which builds it first`);
  }
}

/**
 * Runs the TA-Lib C library (npm `talib`, which builds TA-Lib 0.6 from its C source) on whole
 * columns, with hean port and param names; returns hean-named outputs with NaN where TA-Lib gives
 * no output (its lookback). A trusted peer for conformance beyond the fixtures.
 */
export function talibReference(fn: TalibFunction, inputs: Record<string, Float64Array>, params: Record<string, unknown>, length: number): Record<string, Float64Array> {
  addon ??= loadTalib();
  const request: Record<string, unknown> = { name: fn.name, startIdx: 0, endIdx: length - 1 };
  for (const input of fn.inputs) {
    if (input.type === 'price') {
      input.fields!.forEach((field, i) => (request[field] = Array.from(inputs[input.heanNames![i]].subarray(0, length))));
    } else {
      request[input.paramName] = Array.from(inputs[input.heanName!].subarray(0, length));
    }
  }
  for (const opt of fn.optInputs) {
    const value = params[opt.heanName] ?? opt.default;
    request[opt.paramName] = opt.isMAType ? (opt.allowed!.find((a) => a.heanValue === value)?.value ?? value) : value;
  }
  const { begIndex, nbElement, result } = addon.execute(request);
  const out: Record<string, Float64Array> = {};
  for (const o of fn.outputs) {
    const column = new Float64Array(length).fill(NaN);
    const values = result[o.paramName];
    for (let i = 0; i < nbElement; i++) column[begIndex + i] = values[i];
    out[o.heanName] = column;
  }
  return out;
}
