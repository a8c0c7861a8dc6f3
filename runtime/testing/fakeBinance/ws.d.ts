// The few parts of the `ws` package (a dependency of ccxt) the fake exchange uses; ws ships no types.
declare module 'ws' {
  import type { IncomingMessage } from 'node:http';
  import type { Duplex } from 'node:stream';
  import { EventEmitter } from 'node:events';
  export class WebSocket extends EventEmitter {
    static readonly OPEN: number;
    /** A client socket (tests). */
    constructor(address: string);
    readonly readyState: number;
    send(data: string): void;
    close(code?: number, reason?: string): void;
    terminate(): void;
  }
  export class WebSocketServer extends EventEmitter {
    constructor(options: { noServer: true });
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, done: (ws: WebSocket) => void): void;
    close(): void;
  }
}
