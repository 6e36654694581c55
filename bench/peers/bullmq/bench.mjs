// BullMQ peer of the Vigil benchmark. Runs the same workload as the Vigil harness on the Redis it is given:
//   1. enqueue N no-op jobs with addBulk (batches of 1,000), then start ONE Worker and time the drain from the
//      worker's creation until the last job is recorded completed;
//   2. end-to-end latency: L jobs one at a time against the idle, running worker (enqueue to processor start).
// Prints one JSON object on stdout; progress goes to stderr.
//
//   node bench.mjs --redis 127.0.0.1:6379 --n 20000 --latency 500 --concurrency 8 --prefix run1
import { Queue, Worker } from 'bullmq';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);
const bullVersion = require('bullmq/package.json').version;

function parseArgs(argv) {
  const args = { redis: '127.0.0.1:6379', n: 20000, latency: 500, concurrency: 8, prefix: 'bull', batch: 1000 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    const value = argv[i + 1];
    if (!(key in args) || value === undefined) {
      throw new Error(`Unknown or incomplete argument '${argv[i]}': use --redis --n --latency --concurrency --prefix --batch.`);
    }
    args[key] = typeof args[key] === 'number' ? Number(value) : value;
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const [host, portText] = args.redis.split(':');
// Workers need maxRetriesPerRequest null (BullMQ's blocking commands); queues accept it too.
const connection = { host, port: Number(portText), maxRetriesPerRequest: null };
const nowNs = () => process.hrtime.bigint();
const ms = (ns) => Number(ns) / 1e6;
const log = (text) => process.stderr.write(`[bullmq] ${text}\n`);

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

async function drain() {
  const queue = new Queue('drain', { connection, prefix: args.prefix });
  await queue.waitUntilReady();
  const enqueueStart = nowNs();
  for (let done = 0; done < args.n; done += args.batch) {
    const size = Math.min(args.batch, args.n - done);
    const jobs = Array.from({ length: size }, (_, k) => ({ name: 'noop', data: { i: done + k } }));
    await queue.addBulk(jobs);
  }
  const enqueueSeconds = ms(nowNs() - enqueueStart) / 1000;
  log(`enqueued ${args.n} in ${enqueueSeconds.toFixed(2)} s`);

  let completed = 0;
  let resolveDone;
  const allDone = new Promise((resolve) => { resolveDone = resolve; });
  const start = nowNs();
  const worker = new Worker('drain', async () => {}, { connection, prefix: args.prefix, concurrency: args.concurrency });
  // 'completed' fires once moveToFinished has stored the job as completed in Redis.
  worker.on('completed', () => {
    completed += 1;
    if (completed === args.n) resolveDone(nowNs());
  });
  worker.on('failed', (job, err) => log(`job ${job?.id} failed: ${err?.message}`));
  const deadline = sleep(600_000).then(() => { throw new Error(`drain did not finish: ${completed}/${args.n}`); });
  const end = await Promise.race([allDone, deadline]);
  const seconds = ms(end - start) / 1000;
  await worker.close();
  const completedCount = await queue.getCompletedCount();
  await queue.close();
  log(`drained ${args.n} in ${seconds.toFixed(2)} s (${completedCount} completed in Redis)`);
  return {
    enqueueBatchPerSec: args.n / enqueueSeconds,
    drainPerSec: args.n / seconds,
    drainSeconds: seconds,
    completedInRedis: completedCount,
  };
}

async function latency() {
  const queue = new Queue('latency', { connection, prefix: args.prefix });
  await queue.waitUntilReady();
  let onStart = null;
  const worker = new Worker('latency', async () => {
    const t = nowNs();
    if (onStart) onStart(t);
  }, { connection, prefix: args.prefix, concurrency: args.concurrency });
  await worker.waitUntilReady();
  await sleep(1000); // let the worker settle into its idle wait
  const samples = [];
  for (let i = 0; i < args.latency; i += 1) {
    const started = new Promise((resolve) => { onStart = resolve; });
    const t0 = nowNs();
    await queue.add('lat', { i });
    const t1 = await Promise.race([started, sleep(30_000).then(() => { throw new Error(`job ${i} not started in 30 s`); })]);
    samples.push(ms(t1 - t0));
    await sleep(Math.floor(Math.random() * 4)); // vary the phase against the worker's idle loop
  }
  await worker.close();
  await queue.close();
  samples.sort((a, b) => a - b);
  return {
    count: samples.length,
    p50Ms: percentile(samples, 50),
    p95Ms: percentile(samples, 95),
    p99Ms: percentile(samples, 99),
    maxMs: samples[samples.length - 1] ?? null,
  };
}

try {
  const drainResult = await drain();
  const latencyResult = args.latency > 0 ? await latency() : null;
  process.stdout.write(`${JSON.stringify({
    peer: 'bullmq',
    version: bullVersion,
    node: process.version,
    n: args.n,
    concurrency: args.concurrency,
    ...drainResult,
    latency: latencyResult,
  })}\n`);
  process.exit(0);
} catch (err) {
  log(`error: ${err?.stack ?? err}`);
  process.exit(1);
}
