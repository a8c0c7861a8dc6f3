import nodeModule from 'node:module';
import { readFileSync, statSync } from 'node:fs';
import { ProtoError } from './protobuf.js';
import { inspectOnnxModel, type OnnxModelInfo } from './onnxModel.js';

/**
 * An onnxruntime session that runs synchronously. Kernels step chunk by chunk without awaiting
 * (pipeline.ts), and onnxruntime-node's native `run` is synchronous: its public API only wraps
 * it in a promise resolved on the next turn. So hean calls the native session directly (the
 * version is pinned in package.json; test/onnx*.test.ts cover this use). Loaded on first use,
 * so commands that run no model do not pay for the native library.
 */

export interface OnnxTensor {
  type: string;
  dims: readonly number[];
  data: Float32Array | Float64Array | BigInt64Array | Int32Array | string[];
}

interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, unknown>, fetches: Record<string, null>, options: object): Record<string, OnnxTensor>;
  dispose(): void;
}

interface OnnxRuntime {
  Session: new () => NativeSession;
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => unknown;
}

let runtime: OnnxRuntime | undefined;

function onnxRuntime(): OnnxRuntime {
  if (runtime) return runtime;
  const require = nodeModule.createRequire(import.meta.url);
  const { binding, initOrt } = require('onnxruntime-node/dist/binding.js') as { binding: { InferenceSession: new () => NativeSession }; initOrt: () => void };
  const { Tensor, env } = require('onnxruntime-common') as { Tensor: OnnxRuntime['Tensor']; env: { logLevel?: string } };
  // Failures reach the user as ModelErrors; onnxruntime's own log lines on stderr would only repeat them.
  env.logLevel = 'fatal';
  initOrt();
  return (runtime = { Session: binding.InferenceSession, Tensor });
}

/** A model file that cannot be used: missing, not ONNX, truncated, or refused by onnxruntime. */
export class ModelError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ModelError';
  }
}

/** Model files larger than this are refused before reading (a wrong path to a huge file). */
export const MODEL_MAX_BYTES = 2 ** 30;

/**
 * One thread per session: onnxruntime's parallel kernels sum in an order that depends on the
 * batch size (a tree ensemble splits its trees across threads for a few rows and its rows for
 * many), so with more threads a prediction would depend on the chunk size it was computed in.
 * hean promises the same results for any chunk size; models run sequentially.
 */
const SESSION_OPTIONS = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' };

export class OnnxSession {
  private constructor(
    readonly file: string,
    readonly info: OnnxModelInfo,
    private readonly session: NativeSession,
  ) {}

  /** Reads and checks a model file; every failure is a ModelError that says what was found. */
  static open(file: string): OnnxSession {
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) throw new ModelError(file, 'is not a regular file; expected an .onnx model file');
      size = stat.size;
    } catch (e) {
      if (e instanceof ModelError) throw e;
      throw new ModelError(file, `cannot read the model (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path (a relative path is looked up in the working directory, then beside the graph file)`);
    }
    if (size > MODEL_MAX_BYTES) throw new ModelError(file, `is ${size} bytes; hean loads models up to ${MODEL_MAX_BYTES} bytes`);
    return OnnxSession.fromBytes(file, readFileSync(file));
  }

  static fromBytes(file: string, bytes: Uint8Array): OnnxSession {
    let info: OnnxModelInfo;
    try {
      info = inspectOnnxModel(bytes);
    } catch (e) {
      if (e instanceof ProtoError) throw new ModelError(file, `is not a readable ONNX model (${e.message}); the file may be truncated or not a model at all: re-export or re-train it`);
      throw e;
    }
    const { Session } = onnxRuntime();
    const session = new Session();
    try {
      session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, SESSION_OPTIONS);
    } catch (e) {
      throw new ModelError(file, `onnxruntime refused the model: ${firstLine((e as Error).message)}`);
    }
    return new OnnxSession(file, info, session);
  }

  /** Runs the model on string inputs of shape [N] and returns the named outputs. */
  run(feeds: Record<string, { type: 'string'; data: readonly string[]; dims: readonly number[] } | { type: 'float32'; data: Float32Array; dims: readonly number[] }>, outputs: readonly string[]): Record<string, OnnxTensor> {
    const { Tensor } = onnxRuntime();
    const tensors: Record<string, unknown> = {};
    for (const [name, feed] of Object.entries(feeds)) tensors[name] = new Tensor(feed.type, feed.data, feed.dims);
    try {
      return this.session.run(tensors, Object.fromEntries(outputs.map((o) => [o, null])), {});
    } catch (e) {
      throw new ModelError(this.file, `inference failed: ${firstLine((e as Error).message)}`);
    }
  }

  dispose(): void {
    this.session.dispose();
  }
}

/** onnxruntime's messages start with a source path and line; the first line says what is wrong. */
function firstLine(message: string): string {
  return message.split('\n')[0].replace(/\/onnxruntime_src\/\S+:\d+ /g, '').slice(0, 500);
}
