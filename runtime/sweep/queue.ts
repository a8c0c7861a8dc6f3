import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { GridValue } from '../cli/grid.js';
import { CellRunner, type CellSettings, type SweepCell } from './runSweep.js';

/**
 * A sweep's combinations on a BullMQ queue in Redis (`hean sweep --queue URL`), run by any number
 * of `hean worker --queue URL` processes on any machines that have the graph's data. Each
 * combination is one job with a fixed id (the sweep's id and the combination's index), so a job
 * is never run twice at once, and its result is stored by index: counted once. A worker killed
 * mid-job stops renewing the job's lock; BullMQ finds the job stalled and hands it to another
 * worker (up to `maxStalledCount` times).
 */

const LOCK_MS = 15_000;
const STALLED_CHECK_MS = 5_000;

export interface CellJob {
  settings: CellSettings;
  index: number;
  params: Record<string, GridValue>;
}

/** BullMQ (some 380 modules) is loaded when a queue is used, not with every command: the CLI and each sweep thread start without it. */
function bullmq(): Promise<typeof import('bullmq')> {
  return import('bullmq');
}

function connect(url: string): Redis {
  // BullMQ's workers block on Redis: they need maxRetriesPerRequest null.
  return new Redis(url, { maxRetriesPerRequest: null, lazyConnect: false });
}

/** Enqueues every combination and waits for all their results (in any order, from any worker). */
export async function runCellsOnQueue(url: string, name: string, settings: CellSettings, combos: Record<string, GridValue>[], onCell: (cell: SweepCell) => void): Promise<void> {
  const { Queue, QueueEvents } = await bullmq();
  // Connections handed to BullMQ stay open when it closes: each is disconnected here.
  const connection = connect(url);
  const listening = connect(url);
  const events = new QueueEvents(name, { connection: listening });
  const queue = new Queue<CellJob, SweepCell>(name, { connection });
  const sweep = randomUUID();
  const pending = new Map<string, number>(combos.map((_, index) => [`${sweep}.${index}`, index]));
  try {
    await events.waitUntilReady();
    const done = new Promise<void>((resolve, reject) => {
      events.on('completed', ({ jobId, returnvalue }) => {
        if (!pending.has(jobId)) return;
        pending.delete(jobId);
        onCell((typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as SweepCell);
        if (pending.size === 0) resolve();
      });
      events.on('failed', ({ jobId, failedReason }) => {
        if (pending.has(jobId)) reject(new Error(`combination ${pending.get(jobId)} failed on a worker: ${failedReason}`));
      });
    });
    await queue.addBulk(combos.map((params, index) => ({ name: 'cell', data: { settings, index, params }, opts: { jobId: `${sweep}.${index}`, removeOnComplete: true, removeOnFail: 100, attempts: 1 } })));
    await done;
  } finally {
    await events.close();
    await queue.close();
    connection.disconnect();
    listening.disconnect();
  }
}

export interface QueueWorker {
  close(): Promise<void>;
  /** Jobs this worker finished. */
  readonly done: number;
}

/** `hean worker`: runs the queue's combinations until closed, one CellRunner (one parse of each file) per distinct graph and settings. */
export async function startQueueWorker(url: string, name: string, options: { concurrency?: number; onJob?: (job: CellJob, cell: SweepCell) => void } = {}): Promise<QueueWorker> {
  const { Worker } = await bullmq();
  const runners = new Map<string, CellRunner>();
  const connection = connect(url);
  let done = 0;
  const worker = new Worker<CellJob, SweepCell>(
    name,
    async (job) => {
      const { settings, index, params } = job.data;
      const key = createHash('sha256').update(JSON.stringify(settings)).digest('hex');
      let runner = runners.get(key);
      if (!runner) runners.set(key, (runner = new CellRunner(settings)));
      // The daily returns travel with the result: the selection statistics need every combination's.
      const cell = await runner.run(index, params);
      done++;
      options.onJob?.(job.data, cell);
      return cell;
    },
    { connection, concurrency: options.concurrency ?? 1, lockDuration: LOCK_MS, stalledInterval: STALLED_CHECK_MS, maxStalledCount: 3 },
  );
  return {
    close: async () => {
      await worker.close();
      connection.disconnect();
    },
    get done() {
      return done;
    },
  };
}
