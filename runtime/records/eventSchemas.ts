import { RECORD_FIELDS } from './sourceSpec.js';

/**
 * JSON Schemas of the events hean writes to and reads from Redis streams (schemas/events/), as
 * a stream entry's fields map: every value is text. Numbers are the shortest text that reads back
 * to the same double; NaN is the empty string; infinities are `inf` and `-inf`.
 */
const NUMBER_TEXT = { type: 'string', pattern: '^(|inf|-inf|-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?)$' };

export function eventSchemas(): Map<string, Record<string, unknown>> {
  const schemas = new Map<string, Record<string, unknown>>();
  // The records Redis streams carry (redisStream.records): series come from files and memory only, so far.
  for (const record of ['candles'] as const) {
    const fields = RECORD_FIELDS[record];
    schemas.set(`events/${record}.schema.json`, {
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: `https://hean.dev/schemas/events/${record}.schema.json`,
      title: `${record} event`,
      description: `One ${record} event as a Redis stream entry (hean publish, source bindings { stream: KEY }). The entry id is "<event time in epoch ms>-<seq>"; for candles the event time is the close: time + timeframe. The stream's hash KEY:meta holds record, symbol, timeframe and file.`,
      type: 'object',
      properties: Object.fromEntries(fields.map((f) => [f, f === 'time' ? { ...NUMBER_TEXT, description: 'Candle open time, epoch ms.' } : NUMBER_TEXT])),
      required: [...fields],
      additionalProperties: false,
    });
  }
  schemas.set('events/rows.schema.json', {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://hean.dev/schemas/events/rows.schema.json',
    title: 'recorded row',
    description: 'One row of a sink.record bound to { stream: KEY }: the event time and one field per recorded wire (named as written, e.g. size.orders), as a Redis stream entry with an id chosen by Redis.',
    type: 'object',
    properties: { time: { type: 'string', pattern: '^\\d+$', description: 'Event time, epoch ms.' } },
    additionalProperties: NUMBER_TEXT,
    required: ['time'],
  });
  return schemas;
}
