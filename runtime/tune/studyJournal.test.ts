import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { testClient } from '../testing/redis.js';
import {
  StudyJournalError,
  StudyMismatchError,
  decodeRecord,
  encodeRecord,
  nextTrialNumber,
  openStudyStore,
  parseRedisStudyLocation,
  studyGraphHash,
  trialsToTell,
  type StoredTrialRecord,
  type StudyHeader,
  type StudyStore,
  type StudyStoreOptions,
} from './studyJournal.js';

const header: StudyHeader = {
  kind: 'study',
  version: 1,
  graph: 'graphs/ema-cross.yaml',
  graphHash: studyGraphHash('nodes: {}\n'),
  space: { fast: { type: 'int', low: 5, high: 50 }, kind: { type: 'categorical', choices: ['ema', 'sma'] } },
  directions: ['maximize'],
  objectives: ['sharpe'],
  sampler: 'tpe',
  seed: 42,
  sets: { slow: '100' },
  dataFingerprint: 'btcusdt_1h:2017-08-17..2024-04-01',
};

const trials: StoredTrialRecord[] = [
  { kind: 'trial', number: 0, params: { fast: 12, kind: 'ema' }, values: [1.25], state: 'complete', metrics: { sharpe: 1.25, maxDrawdown: -0.2 } },
  { kind: 'trial', number: 1, params: { fast: 30, kind: 'sma' }, values: [null], state: 'fail', metrics: { sharpe: NaN, maxDrawdown: null } },
  { kind: 'trial', number: 2, params: { fast: 7, kind: 'ema' }, values: [-Infinity], state: 'complete', intermediate: [[0, 0.5], [1, Infinity]] },
  { kind: 'trial', number: 3, params: { fast: 44, kind: 'sma' }, values: [null], state: 'rejected' },
];

const silent = (): void => {};

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'hean-study-'));
}

/** Exits at once; its pid is then (for the test's duration) a dead one. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('record encoding', () => {
  it('writes non-finite numbers as tagged objects and reads them back; null stays null', () => {
    const record: StoredTrialRecord = { kind: 'trial', number: 5, params: { kind: 'NaN' }, values: [NaN, Infinity, -Infinity, null, 0.5], state: 'complete' };
    const text = encodeRecord(record);
    assert.equal(text, '{"kind":"trial","number":5,"params":{"kind":"NaN"},"values":[{"$float":"NaN"},{"$float":"Infinity"},{"$float":"-Infinity"},null,0.5],"state":"complete"}');
    const back = decodeRecord(text) as StoredTrialRecord;
    assert.equal(back.params.kind, 'NaN'); // a string param that spells NaN stays a string
    assert.ok(Number.isNaN(back.values[0]));
    assert.deepEqual(back.values.slice(1), [Infinity, -Infinity, null, 0.5]);
  });

  it('studyGraphHash is the sha256 of the text', () => {
    // sha256("abc") from FIPS 180-2, appendix B.1.
    assert.equal(studyGraphHash('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('trialsToTell and nextTrialNumber', () => {
  it('orders by trial number and tells only a complete trial its first value, NaN otherwise', () => {
    const told = trialsToTell([trials[2]!, trials[0]!, trials[3]!, trials[1]!]);
    assert.deepEqual(told.map((t) => t.number), [0, 1, 2, 3]);
    assert.deepEqual(told.map((t) => t.value), [1.25, NaN, -Infinity, NaN]);
    assert.deepEqual(told[2]!.params, { fast: 7, kind: 'ema' });
    assert.equal(nextTrialNumber([trials[2]!, trials[0]!]), 3);
    assert.equal(nextTrialNumber([]), 0);
  });
});

describe('file study', () => {
  const dir = tempDir();
  after(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const fresh = (): string => join(dir, `study-${n++}.jsonl`);

  async function write(path: string, records: StoredTrialRecord[]): Promise<void> {
    const store = openStudyStore(path, { onWarning: silent });
    await store.open(header);
    for (const r of records) await store.append(r);
    await store.close();
  }

  it('round trip: a new study is empty, a reopened one returns every trial as appended (non-finite values included)', async () => {
    const path = fresh();
    const store = openStudyStore(path, { onWarning: silent });
    assert.equal(store.describe(), path);
    assert.deepEqual(await store.open(header), []);
    for (const r of trials) await store.append(r);
    await store.close();
    assert.equal(existsSync(`${path}.lock`), false, 'close releases the lock');

    const lines = readFileSync(path, 'utf8').split('\n');
    assert.equal(lines.length, 6); // header, 4 trials, '' after the final newline
    assert.ok(lines[0]!.startsWith('{"kind":"study","version":1,'));
    assert.equal(lines[5], '');

    const again = openStudyStore(path, { onWarning: silent });
    assert.deepEqual(await again.open(header), trials);
    await again.append({ kind: 'trial', number: 4, params: { fast: 5, kind: 'ema' }, values: [0], state: 'pruned' });
    await again.close();
    const third = openStudyStore(path, { onWarning: silent });
    assert.deepEqual((await third.open(header)).map((t) => t.state), ['complete', 'fail', 'complete', 'rejected', 'pruned']);
    await third.close();
  });

  it('resumes when only the graph path or the order of keys differs', async () => {
    const path = fresh();
    await write(path, trials.slice(0, 1));
    const moved: StudyHeader = { ...header, graph: './graphs/../graphs/ema-cross.yaml', space: { kind: header.space.kind!, fast: { high: 50, low: 5, type: 'int' } } };
    const store = openStudyStore(path, { onWarning: silent });
    assert.equal((await store.open(moved)).length, 1);
    await store.close();
  });

  it('refuses a different header, naming each differing field, both values and the fix', async () => {
    const path = fresh();
    await write(path, trials.slice(0, 2));
    const before = readFileSync(path, 'utf8');
    const other: StudyHeader = { ...header, seed: 7, space: { ...header.space, fast: { type: 'int', low: 5, high: 60 } }, graphHash: studyGraphHash('nodes: {a: 1}\n') };
    const store = openStudyStore(path, { onWarning: silent });
    await assert.rejects(store.open(other), (err: unknown) => {
      assert.ok(err instanceof StudyMismatchError);
      assert.deepEqual(err.fields, ['graphHash', 'space', 'seed']);
      assert.match(err.message, /seed: the journal has 42, this run has 7/);
      assert.match(err.message, /space\.fast: the journal has \{"type":"int","low":5,"high":50\}, this run has \{"type":"int","low":5,"high":60\}/);
      assert.match(err.message, /graphHash: .*the graph text changed since the study began/);
      assert.match(err.message, /another --study/);
      return true;
    });
    assert.equal(readFileSync(path, 'utf8'), before, 'a refused open writes nothing');
    assert.equal(existsSync(`${path}.lock`), false, 'a refused open releases the lock');
  });

  it('a where added, an objective or sampler changed: each is a difference', async () => {
    const path = fresh();
    await write(path, []);
    const store = openStudyStore(path, { onWarning: silent });
    await assert.rejects(store.open({ ...header, where: 'fast < 20', objectives: ['calmar'], sampler: 'random' }), (err: unknown) => {
      assert.ok(err instanceof StudyMismatchError);
      assert.deepEqual(err.fields, ['objectives', 'sampler', 'where']);
      assert.match(err.message, /where: the journal has \(none\), this run has "fast < 20"/);
      return true;
    });
  });

  it('a torn last line is reported, cut off, and the next append lands on a fresh line', async () => {
    const path = fresh();
    await write(path, trials.slice(0, 2));
    appendFileSync(path, '{"kind":"trial","number":2,"params":{"fa');
    const warnings: string[] = [];
    const store = openStudyStore(path, { onWarning: (m) => warnings.push(m) });
    assert.deepEqual(await store.open(header), trials.slice(0, 2));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4: the last line is incomplete`));
    await store.append(trials[2]!);
    await store.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    assert.equal(lines.length, 5);
    assert.deepEqual(decodeRecord(lines[3]!), trials[2]);
    const again = openStudyStore(path, { onWarning: (m) => warnings.push(m) });
    assert.deepEqual(await again.open(header), trials.slice(0, 3));
    await again.close();
    assert.equal(warnings.length, 1, 'the repaired file opens without a warning');
  });

  it('a complete record without its newline is still torn: not trusted', async () => {
    const path = fresh();
    await write(path, trials.slice(0, 1));
    appendFileSync(path, encodeRecord(trials[1]!));
    const warnings: string[] = [];
    const store = openStudyStore(path, { onWarning: (m) => warnings.push(m) });
    assert.deepEqual(await store.open(header), trials.slice(0, 1));
    await store.close();
    assert.equal(warnings.length, 1);
  });

  it('a header torn on creation is cut and the study starts afresh', async () => {
    const path = fresh();
    writeFileSync(path, '{"kind":"study","version":1,"gra');
    const warnings: string[] = [];
    const store = openStudyStore(path, { onWarning: (m) => warnings.push(m) });
    assert.deepEqual(await store.open(header), []);
    await store.close();
    assert.match(warnings[0]!, /:1: the last line is incomplete/);
    assert.deepEqual(decodeRecord(readFileSync(path, 'utf8').split('\n')[0]!), header);
  });

  it('a corrupt line before the last is an error naming file:line and what was found', async () => {
    const path = fresh();
    await write(path, trials);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[2] = '{"kind":"trial","number":1,"par#garbage';
    writeFileSync(path, lines.join('\n'));
    const store = openStudyStore(path, { onWarning: silent });
    await assert.rejects(store.open(header), (err: unknown) => {
      assert.ok(err instanceof StudyJournalError);
      assert.ok(err.message.startsWith(`${path}:3: corrupt record: not valid JSON (found "{\\"kind\\":\\"trial\\",\\"number\\":1,\\"par#garbage")`), err.message);
      return true;
    });
    lines[2] = '{"kind":"trial","number":1,"params":{},"values":[],"state":"done"}';
    writeFileSync(path, lines.join('\n'));
    await assert.rejects(openStudyStore(path, { onWarning: silent }).open(header), new RegExp(`:3: corrupt record: trial 1: state should be complete, pruned, fail or rejected, found "done"`));
  });

  it('a file that is not a journal is refused and left untouched', async () => {
    for (const text of ['name: ema-cross\nnodes: {}\n', 'name: ema-cross']) {
      const path = fresh();
      writeFileSync(path, text);
      await assert.rejects(openStudyStore(path, { onWarning: silent }).open(header), /:1: not a hean study journal/);
      assert.equal(readFileSync(path, 'utf8'), text);
    }
  });

  it('a lock held by a live process refuses; it is free again after close', async () => {
    const path = fresh();
    const first = openStudyStore(path, { onWarning: silent });
    await first.open(header);
    assert.deepEqual(JSON.parse(readFileSync(`${path}.lock`, 'utf8')), { pid: process.pid, host: hostname() });
    const second = openStudyStore(path, { onWarning: silent });
    await assert.rejects(second.open(header), new RegExp(`in use by this process \\(${process.pid}\\)`));
    await first.append(trials[0]!);
    await first.close();
    assert.deepEqual(await second.open(header), trials.slice(0, 1));
    await second.close();

    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeFileSync(`${path}.lock`, JSON.stringify({ pid: sleeper.pid, host: hostname() }));
      await assert.rejects(openStudyStore(path, { onWarning: silent }).open(header), new RegExp(`in use by process ${sleeper.pid} \\(lock `));
      assert.equal(readFileSync(`${path}.lock`, 'utf8'), JSON.stringify({ pid: sleeper.pid, host: hostname() }), 'a live lock is left alone');
    } finally {
      sleeper.kill();
      rmSync(`${path}.lock`, { force: true });
    }
  });

  it('a lock from another host is refused (its pid cannot be checked here)', async () => {
    const path = fresh();
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: 1234, host: `not-${hostname()}` }));
    await assert.rejects(openStudyStore(path, { onWarning: silent }).open(header), new RegExp(`process 1234 on host not-${hostname()}.*delete ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.lock`));
  });

  it('a stale lock of a dead process is taken over with a warning', async () => {
    const path = fresh();
    await write(path, trials.slice(0, 1));
    const pid = await deadPid();
    writeFileSync(`${path}.lock`, JSON.stringify({ pid, host: hostname() }));
    const warnings: string[] = [];
    const store = openStudyStore(path, { onWarning: (m) => warnings.push(m) });
    assert.deepEqual(await store.open(header), trials.slice(0, 1));
    assert.deepEqual(warnings, [`${path}.lock: process ${pid} that held the study is gone (killed?); took over its lock`]);
    assert.deepEqual(JSON.parse(readFileSync(`${path}.lock`, 'utf8')), { pid: process.pid, host: hostname() });
    await store.close();
    assert.equal(existsSync(`${path}.lock`), false);
  });

  it('append checks the record and needs open', async () => {
    const path = fresh();
    const store = openStudyStore(path, { onWarning: silent });
    await assert.rejects(store.append(trials[0]!), /not open: call open\(\) first/);
    await store.open(header);
    await assert.rejects(store.append({ ...trials[0]!, number: -1 }), /trial number should be an integer >= 0, found -1/);
    await store.close();
  });
});

describe('redis study', () => {
  let redis: Redis;
  const names: string[] = [];
  const fresh = (): string => {
    const name = `hean-test-${randomBytes(6).toString('hex')}`;
    names.push(name);
    return name;
  };
  /** Every store opened here, closed at the end even when a test failed before its own close(). */
  const stores: StudyStore[] = [];
  const study = (location: string, options?: StudyStoreOptions): StudyStore => {
    const store = openStudyStore(location, options);
    stores.push(store);
    return store;
  };
  before(async () => {
    redis = await testClient();
  });
  after(async () => {
    await Promise.all(stores.map((s) => s.close()));
    if (names.length > 0) await redis.del(...names.map((name) => `hean:study:${name}`));
    redis.disconnect();
  });

  it('parses redis://host:port[/db]/name', () => {
    assert.deepEqual(parseRedisStudyLocation('redis://127.0.0.1:6379/mystudy'), { url: 'redis://127.0.0.1:6379/0', name: 'mystudy', key: 'hean:study:mystudy' });
    assert.deepEqual(parseRedisStudyLocation('rediss://:pw@example.com:6380/3/a.b'), { url: 'rediss://:pw@example.com:6380/3', name: 'a.b', key: 'hean:study:a.b' });
    assert.throws(() => parseRedisStudyLocation('redis://127.0.0.1:6379'), /redis:\/\/host:port\[\/db\]\/name/);
    assert.throws(() => parseRedisStudyLocation('redis://127.0.0.1:6379/x/y'), /redis:\/\/host:port\[\/db\]\/name/);
    assert.equal(openStudyStore('redis://:secret@127.0.0.1:6379/s').describe(), 'redis://:***@127.0.0.1:6379/s');
  });

  it('round trip: the header is the list head, one entry per trial, non-finite values intact', async () => {
    const name = fresh();
    const store = study(`redis://127.0.0.1:6379/${name}`);
    assert.deepEqual(await store.open(header), []);
    for (const r of trials) await store.append(r);
    await store.close();

    const entries = await redis.lrange(`hean:study:${name}`, 0, -1);
    assert.equal(entries.length, 5);
    assert.deepEqual(decodeRecord(entries[0]!), header);
    assert.equal(entries[2], encodeRecord(trials[1]!));

    const again = study(`redis://127.0.0.1:6379/${name}`);
    assert.deepEqual(await again.open(header), trials);
    await again.close();
  });

  it('two machines on one study share it: both open, both append, each sees the other', async () => {
    const name = fresh();
    const a = study(`redis://127.0.0.1:6379/${name}`);
    const b = study(`redis://127.0.0.1:6379/${name}`);
    assert.deepEqual(await Promise.all([a.open(header), b.open(header)]), [[], []]);
    await a.append(trials[0]!);
    await b.append(trials[1]!);
    await Promise.all([a.close(), b.close()]);
    const c = study(`redis://127.0.0.1:6379/${name}`);
    assert.deepEqual(await c.open(header), trials.slice(0, 2));
    await c.close();
    assert.equal(await redis.llen(`hean:study:${name}`), 3, 'one header only');
  });

  it('refuses a different header, naming the field', async () => {
    const name = fresh();
    const store = study(`redis://127.0.0.1:6379/${name}`);
    await store.open(header);
    await store.close();
    await assert.rejects(study(`redis://127.0.0.1:6379/${name}`).open({ ...header, directions: ['minimize'] }), (err: unknown) => {
      assert.ok(err instanceof StudyMismatchError);
      assert.deepEqual(err.fields, ['directions']);
      assert.match(err.message, new RegExp(`study redis://127.0.0.1:6379/${name} \\(key hean:study:${name}\\) was started with other options.*\\n  directions: the journal has \\["maximize"\\], this run has \\["minimize"\\]`));
      return true;
    });
    assert.equal(await redis.llen(`hean:study:${name}`), 1);
  });

  it('a corrupt entry is an error naming it', async () => {
    const name = fresh();
    const store = study(`redis://127.0.0.1:6379/${name}`);
    await store.open(header);
    await store.append(trials[0]!);
    await store.close();
    await redis.rpush(`hean:study:${name}`, 'oops');
    await assert.rejects(study(`redis://127.0.0.1:6379/${name}`).open(header), /\(key hean:study:[-a-z0-9]+\) entry 2: corrupt record: not valid JSON \(found "oops"\)/);
  });

  it('an append after the study key was deleted fails instead of starting a headerless list', async () => {
    const name = fresh();
    const store = study(`redis://127.0.0.1:6379/${name}`);
    await store.open(header);
    await redis.del(`hean:study:${name}`);
    await assert.rejects(store.append(trials[0]!), /was deleted while the study ran; trial 0 was not saved/);
    await store.close();
    assert.equal(await redis.exists(`hean:study:${name}`), 0);
  });

  it('an unreachable Redis fails open within seconds, saying where, that nothing was touched, and how to fix it', async () => {
    const store = study('redis://127.0.0.1:1/nowhere', { timeoutMs: 5000 });
    const started = performance.now();
    await assert.rejects(store.open(header), (err: unknown) => {
      assert.ok(err instanceof StudyJournalError);
      assert.match(err.message, /cannot reach Redis for study redis:\/\/127\.0\.0\.1:1\/nowhere: .*ECONNREFUSED/);
      assert.match(err.message, /nothing was read or written/);
      assert.match(err.message, /redis-server/);
      return true;
    });
    assert.ok(performance.now() - started < 6000, `took ${performance.now() - started} ms`);
  });

  it('a Redis that dies mid-study fails the append within seconds, saying the trial was not saved; a later append reconnects', async () => {
    const port = 20000 + (process.pid % 20000);
    const server = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    try {
      const store = study(`redis://127.0.0.1:${port}/${fresh()}`);
      await store.open(header); // the connection's retries (about 3 s) cover the server's start
      await store.append(trials[0]!);
      server.kill('SIGKILL');
      await new Promise((resolve) => server.on('exit', resolve));
      const started = performance.now();
      await assert.rejects(store.append(trials[1]!), /cannot reach Redis for study .*: .*; trial 1 was not saved; the trials before it are safe in Redis\. Start redis-server/);
      assert.ok(performance.now() - started < 6000, `took ${performance.now() - started} ms`);

      // Redis back (empty: it saved nothing): the next append connects again and reaches it.
      const restarted = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      try {
        await assert.rejects(store.append(trials[1]!), /was deleted while the study ran; trial 1 was not saved/);
      } finally {
        restarted.kill('SIGKILL');
      }
      await store.close();
    } finally {
      server.kill('SIGKILL');
    }
  });
});
