#!/usr/bin/env node
// The controller's RSA worker pool by itself (no API server): N unseals through RsaWorkerPool against
// `openssl speed -multi <cores> rsa4096` (RSA-4096 private operations per second with every core busy), measured
// in the same run, alternating (openssl, pool, openssl, pool, openssl) so that load from other work on the machine
// hits both alike. Each unseal is one v2 item (one RSA-OAEP private decrypt): what the pool adds per operation is
// exactly what the ratio shows. Also the main thread's event-loop delay while the pool works.
// GITSEAL_BENCH_UNSEALS sets N (default 3000); GITSEAL_BENCH_ROUNDS the pool rounds per niceness (default 2).
// Prints human lines, then one JSON line for the bench driver. Run after `npm run build`.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { createHeldKey, Envelope, scopeLabel, Scope, sealValue } from '@gitseal/crypto';
import { RsaWorkerPool } from '../../packages/controller/dist/rsa-worker-pool.js';
import { loadVectorKeys } from '../vectors/bitnami-vectors.mjs';

const N = Number(process.env.GITSEAL_BENCH_UNSEALS ?? 3000);
const ROUNDS = Number(process.env.GITSEAL_BENCH_ROUNDS ?? 2);
const cores = availableParallelism();
const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux
const r = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const keys = loadVectorKeys()
  .filter((k) => k.name === 'key1' || k.name === 'key2')
  .map((k) => createHeldKey({ keyPem: k.keyPem, certPem: k.certPem, name: k.name }));

/**
 * `openssl speed -multi <cores> rsa4096`: private operations per second over all cores (the sum of the children's
 * rates, as openssl prints it), and per CPU-second (the children's operation counts over the CPU time they used,
 * read from the shell that waited for them), which does not depend on what else the machine runs.
 */
function opensslMulti() {
  const script = `openssl speed -multi ${cores} -seconds 3 rsa4096 2>&1; cat /proc/$$/stat`;
  const out = execFileSync('sh', ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const lines = out.trim().split('\n');
  const line = lines.find((l) => /^rsa\s+4096 bits/.test(l));
  if (!line) throw new Error('could not read `openssl speed -multi rsa4096` output');
  // Each child: +R1:<private operations>:4096:<seconds>, then +R2:<public operations>:4096:<seconds>.
  const phase = (tag) => lines.filter((l) => l.startsWith(tag)).map((l) => l.split(':').map(Number));
  const sum = (rows, field) => rows.reduce((total, row) => total + row[field], 0);
  const [signs, verifies] = [phase('+R1:'), phase('+R2:')];
  const stat = (lines.at(-1) ?? '').replace(/^.*\) /, '').split(' ');
  const cpuSeconds = (Number(stat[13]) + Number(stat[14])) / CLOCK_TICKS; // cutime + cstime of the shell
  // Both phases are busy loops: the signing phase's share of the CPU time is its share of the wall time.
  const signCpu = (cpuSeconds * sum(signs, 3)) / (sum(signs, 3) + sum(verifies, 3));
  return { perSecond: Number(line.trim().split(/\s+/)[5]), perCpuSecond: sum(signs, 1) / signCpu };
}

// One single-item v2 SealedSecret per unseal, spread over both keys, each for its own object (its own label).
const requests = Array.from({ length: N }, (_, i) => {
  const key = keys[i % keys.length];
  const label = scopeLabel(Scope.Strict, 'bench', `ss-${i}`);
  const value = sealValue({
    publicKey: key.publicKey,
    scopeLabel: label,
    itemKey: 'password',
    plaintext: Buffer.from(`secret-${i}`),
    envelope: Envelope.V2,
  });
  return { object: `bench/ss-${i}`, scopeLabel: label, encryptedData: { password: value } };
});

async function poolRound(pool) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const start = performance.now();
  const cpuBefore = process.cpuUsage(); // every thread of this process: the main thread and the workers
  const outcomes = await Promise.all(requests.map((request) => pool.unseal(request)));
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - start) / 1000;
  delay.disable();
  const failed = outcomes.filter((o) => !o.ok).length;
  if (failed > 0) throw new Error(`${failed} unseals failed`);
  const ops = outcomes.reduce((sum, o) => sum + o.rsaOperations, 0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    seconds,
    opsPerSecond: ops / seconds,
    opsPerCpuSecond: ops / cpuSeconds,
    p99Ms: delay.percentile(99) / 1e6,
    maxMs: delay.max / 1e6,
  };
}

// The workers' niceness: the pool's default (10) and 0, alternating round by round in the same run, so that both
// see the same machine; GITSEAL_BENCH_NICENESS=N measures one niceness only.
const nicenesses = process.env.GITSEAL_BENCH_NICENESS ? [Number(process.env.GITSEAL_BENCH_NICENESS)] : [10, 0];
const pools = nicenesses.map((niceness) => {
  const pool = new RsaWorkerPool({ size: cores, logger: pino({ enabled: false }), niceness });
  pool.setKeys(keys);
  return pool;
});
// Warm up: start every worker (and its isolate) before timing; the pool starts them lazily.
for (const pool of pools) await Promise.all(requests.slice(0, cores * 4).map((request) => pool.unseal(request)));

// openssl, pool (nice 10), openssl, pool (nice 0), openssl, …: each pool round sits between two openssl runs.
const openssl = [opensslMulti()];
const rounds = [];
for (let i = 0; i < ROUNDS * pools.length; i++) {
  rounds.push({ ...(await poolRound(pools[i % pools.length])), niceness: nicenesses[i % pools.length] });
  openssl.push(opensslMulti());
}
const poolWorkers = pools[0].maxSize;
for (const pool of pools) await pool.close();

// Each pool round against the mean of the openssl runs just before and after it: by wall clock (what the machine
// gave each) and by CPU time (what each operation cost, whatever else ran).
const around = (i, pick) => (pick(openssl[i]) + pick(openssl[i + 1])) / 2;
const ratios = rounds.map((round, i) => round.opsPerSecond / around(i, (o) => o.perSecond));
const cpuRatios = rounds.map((round, i) => round.opsPerCpuSecond / around(i, (o) => o.perCpuSecond));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [i, round] of rounds.entries()) {
  console.log(
    `pool round ${i + 1} (nice ${round.niceness}): ${N} unseals in ${r(round.seconds)} s = ${r(round.opsPerSecond)} ops/s (${r(round.opsPerCpuSecond)} per CPU-second); openssl -multi ${cores} around it ${r(openssl[i].perSecond)} / ${r(openssl[i + 1].perSecond)} sign/s (${r(openssl[i].perCpuSecond)} / ${r(openssl[i + 1].perCpuSecond)} per CPU-second); ratio ${r(ratios[i], 3)} by wall clock, ${r(cpuRatios[i], 3)} by CPU; main event loop p99 ${r(round.p99Ms)} ms, max ${r(round.maxMs)} ms`,
  );
}
/** The figures of one niceness's rounds. */
function figuresAt(niceness) {
  const at = rounds.map((round, i) => ({ round, i })).filter(({ round }) => round.niceness === niceness);
  const pick = (xs) => at.map(({ i }) => xs[i]);
  return {
    niceness,
    poolOpsPerSec: at.map(({ round }) => r(round.opsPerSecond)),
    poolOpsPerCpuSec: at.map(({ round }) => r(round.opsPerCpuSecond)),
    ratios: pick(ratios).map((x) => r(x, 3)),
    cpuRatios: pick(cpuRatios).map((x) => r(x, 3)),
    medianRatio: r(median(pick(ratios)), 3),
    medianCpuRatio: r(median(pick(cpuRatios)), 3),
    eventLoopP99Ms: at.map(({ round }) => r(round.p99Ms)),
  };
}
const byNiceness = nicenesses.map(figuresAt);
for (const f of byNiceness) {
  console.log(
    `pool ÷ openssl -multi ${cores}, workers at nice ${f.niceness}: median ${f.medianRatio} by wall clock, ${f.medianCpuRatio} by CPU time; event-loop p99 ${f.eventLoopP99Ms.join(' / ')} ms`,
  );
}
// The pool as the controller runs it (the first niceness: the default) in the top-level fields.
console.log(
  JSON.stringify({
    unseals: N,
    cores,
    poolWorkers,
    opensslMultiSignPerSec: openssl.map((x) => r(x.perSecond)),
    opensslSignPerCpuSec: openssl.map((x) => r(x.perCpuSecond)),
    ...byNiceness[0],
    byNiceness,
  }),
);
