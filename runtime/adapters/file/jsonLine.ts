import { QUOTE_MAX, clipText } from '../../quoteText.js';
import { DataError } from './readCandleCsv.js';

/**
 * One row of a JSON-lines file as an object that has every required field (`[field, param]`:
 * the field's name and the param that names it, for the message); otherwise a DataError naming
 * the line, what was found and `example`.
 */
export function jsonLineFields(path: string, text: string, line: number, example: string, required: readonly (readonly [string, string])[]): Record<string, unknown> {
  let row: unknown;
  try {
    row = JSON.parse(text);
  } catch (e) {
    // V8 quotes the start of the text: keep its reason only.
    const reason = clipText((e as Error).message.replace(/, ".*$/s, ''), 120);
    throw new DataError(path, line, 'malformed', `not JSON (${reason}); expected ${example}`);
  }
  if (row === null || typeof row !== 'object' || Array.isArray(row)) throw new DataError(path, line, 'malformed', `not a JSON object; expected ${example}`);
  const fields = row as Record<string, unknown>;
  for (const [name, param] of required) {
    if (!Object.hasOwn(fields, name)) {
      throw new DataError(path, line, 'missing-column', `no field "${clipText(name)}" (the ${param} param); found fields: ${clipText(Object.keys(fields).join(', '), 2 * QUOTE_MAX) || 'none'}. Set ${param} to one of them`);
    }
  }
  return fields;
}
