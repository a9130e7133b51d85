#!/usr/bin/env node
// Unseal throughput of @gitseal/crypto on one core vs the machine's limit: `openssl speed rsa4096` sign/s
// (an RSA-4096 private-key operation, single-threaded), measured in the same run.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createHeldKey, createKeyRing, Envelope, scopeLabel, Scope, sealValue, unsealValue } from '@gitseal/crypto';
import { loadVectorKeys } from '../vectors/bitnami-vectors.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const keys = process.env.GITSEAL_KEYS_JSON
  ? JSON.parse(readFileSync(process.env.GITSEAL_KEYS_JSON, 'utf8'))
  : loadVectorKeys();

function opensslSignsPerSecond() {
  const out = execFileSync('openssl', ['speed', '-seconds', String(SECONDS), 'rsa4096'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const line = out.split('\n').find((l) => /^rsa\s+4096 bits/.test(l));
  if (!line) throw new Error('could not read `openssl speed rsa4096` output');
  const fields = line.trim().split(/\s+/);
  return Number(fields[5]); // rsa 4096 bits <sign s> <verify s> <sign/s> <verify/s>
}

function unsealsPerSecond(envelope) {
  const held = keys
    .filter((k) => k.name !== 'foreign')
    .map((k) => createHeldKey({ keyPem: k.keyPem, certPem: k.certPem }));
  const ring = createKeyRing(held);
  const label = scopeLabel(Scope.Strict, 'bench', 'db');
  // Seal to the older key so v1 pays for its key trial the way a rotated cluster does: newest first, then older.
  const target = held.at(-1);
  const value = sealValue({
    publicKey: target.publicKey,
    scopeLabel: label,
    itemKey: 'password',
    plaintext: Buffer.from('bench-plaintext'),
    envelope,
  });
  let ops = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(SECONDS * 1e9);
  while (process.hrtime.bigint() < deadline) {
    unsealValue({ keys: ring, scopeLabel: label, itemKey: 'password', value, preferKeyId: target.keyId });
    ops++;
  }
  return ops / (Number(process.hrtime.bigint() - start) / 1e9);
}

const limit = opensslSignsPerSecond();
const v1 = unsealsPerSecond(Envelope.V1);
const v2 = unsealsPerSecond(Envelope.V2);
const r = (x) => Math.round(x * 100) / 100;
console.log(`openssl speed rsa4096 sign: ${r(limit)} ops/s (one core)`);
console.log(`unseal v1 (hinted key), RSA-4096: ${r(v1)} ops/s, ratio ${r(v1 / limit)} (target >= 0.9)`);
console.log(`unseal v2 (key id), RSA-4096: ${r(v2)} ops/s, ratio ${r(v2 / limit)} (target >= 0.9)`);
console.log(
  JSON.stringify({
    opensslSignPerSec: r(limit),
    unsealV1PerSec: r(v1),
    unsealV2PerSec: r(v2),
    ratioV1: r(v1 / limit),
    ratioV2: r(v2 / limit),
  }),
);
