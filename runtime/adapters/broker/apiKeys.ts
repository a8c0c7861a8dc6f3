/**
 * API keys of a live broker come from the environment only (HEAN_<EXCHANGE>_API_KEY and
 * HEAN_<EXCHANGE>_SECRET): never from the graph (a graph is shared, committed, printed), never
 * printed. Everything a live run says about an exchange passes through `redact`, which replaces
 * the key and the secret wherever they appear (ccxt error texts can quote a request).
 */
export interface ApiKeys {
  apiKey: string;
  secret: string;
  /** The variables they came from, for messages. */
  names: { apiKey: string; secret: string };
}

export function apiKeyNames(exchange: string): { apiKey: string; secret: string } {
  const prefix = `HEAN_${exchange.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
  return { apiKey: `${prefix}_API_KEY`, secret: `${prefix}_SECRET` };
}

export function readApiKeys(exchange: string, env: NodeJS.ProcessEnv): ApiKeys {
  const names = apiKeyNames(exchange);
  const apiKey = env[names.apiKey];
  const secret = env[names.secret];
  const missing = [!apiKey && names.apiKey, !secret && names.secret].filter(Boolean);
  if (missing.length) throw new Error(`live trading on ${exchange} needs its API key and secret in the environment: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set. Export them in the shell that runs hean (keys are never written in the graph)`);
  return { apiKey: apiKey!, secret: secret!, names };
}

/** `text` with every occurrence of the key and the secret replaced. */
export function redact(text: string, keys: Pick<ApiKeys, 'apiKey' | 'secret'>): string {
  let out = text;
  for (const [value, name] of [[keys.secret, '<secret>'], [keys.apiKey, '<api key>']] as const) if (value) out = out.split(value).join(name);
  return out;
}
