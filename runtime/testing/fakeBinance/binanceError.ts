/**
 * A Binance error answer: HTTP status, Binance's code and message, sent as `{ code, msg }` (what
 * ccxt maps to its error classes: -2010 InvalidOrder, the insufficient-balance message
 * InsufficientFunds, -1022 / -2015 AuthenticationError, -1021 InvalidNonce, -2013 OrderNotFound).
 * `headers` carries Retry-After on a 429.
 */
export class BinanceError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The answers Binance gives, verbatim (its error code documentation and observed responses). */
export const binanceErrors = {
  badApiKey: () => new BinanceError(401, -2015, 'Invalid API-key, IP, or permissions for action.'),
  badSignature: () => new BinanceError(400, -1022, 'Signature for this request is not valid.'),
  missing: (name: string) => new BinanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`),
  outsideRecvWindow: () => new BinanceError(400, -1021, 'Timestamp for this request is outside of the recvWindow.'),
  ahead: () => new BinanceError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time."),
  duplicate: () => new BinanceError(400, -2010, 'Duplicate order sent.'),
  insufficient: () => new BinanceError(400, -2010, 'Account has insufficient balance for requested action.'),
  noSuchOrder: () => new BinanceError(400, -2013, 'Order does not exist.'),
  unknownOrder: () => new BinanceError(400, -2011, 'Unknown order sent.'),
  filter: (name: string) => new BinanceError(400, -1013, `Filter failure: ${name}`),
  tooMany: (retryAfterSeconds: number) =>
    new BinanceError(429, -1003, 'Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute. Please use WebSocket Streams for live updates to avoid polling the API.', { 'retry-after': String(retryAfterSeconds) }),
};
