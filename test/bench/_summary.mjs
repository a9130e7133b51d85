// The summary table at the top of RESULTS.md (issue 17 part 5), built from bench-results.json: each figure as a
// ratio to its anchor measured in the same run. `node test/bench/_summary.mjs` prints it from the last results;
// run.mjs prints it after a run. A figure whose script did not run (or has no anchor here) shows "—".

const r = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const num = (x) => typeof x === 'number' && Number.isFinite(x);

const yesNo = (ok) => (ok === undefined ? '—' : ok ? 'yes' : '**no**');
const ratioCell = (ratio) => (num(ratio) ? String(r(ratio)) : '—');
const CONTROLLER_10K = '`GITSEAL_BENCH_SEALED_SECRETS=10000 node test/bench/controller.mjs`';

function sealRows(seal) {
  const command = '`node test/bench/seal.mjs`';
  if (!seal) return [['`gitseal seal` one Secret, whole process', '—', '—', '—', '≤ 1.3×', '—', command]];
  const ratio = seal.sealMedianMs / seal.nodeMedianMs;
  const rows = [
    [
      '`gitseal seal` one Secret, whole process (median, interleaved)',
      `${seal.sealMedianMs} ms`,
      `bare \`node -e 0\` ${seal.nodeMedianMs} ms`,
      ratioCell(ratio),
      '≤ 1.3×',
      yesNo(ratio <= 1.3),
      command,
    ],
  ];
  if (seal.kubesealMedianMs) {
    rows.push([
      '… the same vs Bitnami `kubeseal` v0.40.0 (a Go binary)',
      `${seal.sealMedianMs} ms`,
      `kubeseal ${seal.kubesealMedianMs} ms`,
      ratioCell(seal.sealMedianMs / seal.kubesealMedianMs),
      '— (reference)',
      '—',
      command,
    ]);
  }
  return rows;
}

function controllerRows(label, c, command, anchor = c?.bitnami) {
  const b = anchor;
  const thousand = label === '1,000';
  const rss = b ? c.settledRssMiB / b.settledRssMiB : undefined;
  const rssMet = thousand ? num(rss) && rss <= 1.3 && c.settledRssMiB <= 80 : c && c.settledRssMiB <= 250;
  const time = b ? c.bulkSeconds / b.bulkSeconds : undefined;
  return [
    [
      `controller RSS, ${label} SealedSecrets × 3 items, settled`,
      c ? `${c.settledRssMiB} MiB` : '—',
      b ? `Bitnami v0.40.0 ${b.settledRssMiB} MiB` : '—',
      ratioCell(rss),
      thousand ? '≤ 1.3× (≤ 80 MiB)' : '≤ 250 MiB',
      c ? yesNo(rssMet) : '—',
      command,
    ],
    [
      `${label} SealedSecrets created at once (32 in flight) → every Secret exists`,
      c ? `${c.bulkSeconds} s` : '—',
      b ? `Bitnami, client rate limit off, ${b.bulkSeconds} s` : '—',
      ratioCell(time),
      '≤ 1×',
      num(time) ? yesNo(time <= 1) : '—',
      command,
    ],
  ];
}

function poolRows(pool) {
  const rows = [poolRow(pool, pool)];
  for (const other of (pool?.byNiceness ?? []).slice(1)) rows.push(poolRow(pool, other));
  return rows;
}

function poolRow(pool, at) {
  return [
    `RSA pool alone: unseals/s (median of rounds)${at?.niceness === undefined ? '' : `, workers at nice ${at.niceness}`}`,
    at ? `${r(median(at.poolOpsPerSec), 1)} ops/s` : '—',
    pool ? `\`openssl speed -multi ${pool.cores} rsa4096\` ${r(median(pool.opensslMultiSignPerSec), 1)} signs/s` : '—',
    ratioCell(at?.medianRatio),
    '≥ 0.9',
    at ? yesNo(at.medianRatio >= 0.9) : '—',
    '`node test/bench/rsa-pool.mjs`',
  ];
}

function shardRows(shards) {
  const command = '`node test/bench/shards.mjs`';
  if (!shards) return [['3 shards: rebalance', '—', '—', '—', 'lease + a few s', '—', command]];
  const lease = shards.leaseSeconds;
  const bound = (lease + 5) * 1000;
  return [
    [
      '3 shards: kill -9 of a replica → every object owned again',
      `${r(shards.kill.takeoverMs / 1000, 1)} s`,
      `lease ${lease} s`,
      ratioCell(shards.kill.takeoverMs / 1000 / lease),
      'lease + a few s',
      yesNo(shards.kill.takeoverMs <= bound),
      command,
    ],
    [
      '3 shards: a replica joins → it owns its share',
      `${r(shards.join.rebalanceMs / 1000, 1)} s; moved ${shards.join.moved} (ideal ${r(shards.join.ideal, 0)})`,
      `lease ${lease} s`,
      ratioCell(shards.join.rebalanceMs / 1000 / lease),
      'lease + a few s; ~1/N moved',
      yesNo(shards.join.rebalanceMs <= bound),
      command,
    ],
  ];
}

/** One row per figure: [figure, gitseal, anchor, ratio, goal, met?, command]. */
export function summaryRows(results) {
  const c1k = results['controller.mjs'];
  const c10k = results['controller.mjs@10000'];
  const lag = [c1k, c10k].filter(Boolean).map((c) => c.eventLoopP99Ms);
  return [
    ...sealRows(results['seal.mjs']),
    ...controllerRows('1,000', c1k, '`node test/bench/controller.mjs`'),
    ...controllerRows(
      '1,000',
      results['controller.mjs@no-sync'],
      '`GITSEAL_BENCH_CONTROLLER_ARGS=--no-sync node test/bench/controller.mjs`',
      c1k?.bitnami,
    ).map(([figure, ...rest]) => [`${figure}, \`--no-sync\` (sealed-secrets only, as Bitnami)`, ...rest]),
    ...controllerRows('10,000', c10k, CONTROLLER_10K),
    [
      'controller event-loop p99 over the bulk, 1,000 / 10,000',
      lag.length > 0 ? `${lag.join(' / ')} ms` : '—',
      '—',
      '—',
      '≤ 50 ms',
      lag.length > 0 ? yesNo(lag.every((x) => x <= 50)) : '—',
      '`node test/bench/controller.mjs`',
    ],
    ...poolRows(results['rsa-pool.mjs']),
    ...shardRows(results['shards.mjs']),
  ];
}

function median(values) {
  const sorted = [...(values ?? [])].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The rows as a Markdown table. */
export function summaryTable(results) {
  const head = ['figure', 'gitseal', 'anchor (same run)', 'ratio', 'goal', 'met?', 'command'];
  const lines = [head, head.map(() => '---'), ...summaryRows(results)].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { readFileSync } = await import('node:fs');
  const path = new URL('bench-results.json', import.meta.url);
  console.log(summaryTable(JSON.parse(readFileSync(path, 'utf8')).results ?? {}));
}
