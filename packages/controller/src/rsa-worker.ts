import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createKeyRing, createSelfSignedCertificate, generateKeyPairSync, type PrivateKeyRing } from '@gitseal/crypto';
import type { RsaWorkerRequest, RsaWorkerResponse } from './rsa-worker-messages.js';
import { resealSlice, unsealSlice } from './rsa-slice.js';

// Entry point of one RSA worker thread (see rsa-worker-pool.ts). It holds its own copy of the key ring.

// On Linux the nice value is per thread: a lower priority for this one lets the main thread (event loop, API
// traffic) run first whenever it has work, while RSA still gets every cycle the rest of the process leaves.
const { niceness } = (workerData ?? {}) as { niceness?: number };
if (niceness) {
  try {
    setPriority(0, niceness);
  } catch {
    // Not permitted here (or not Linux): run at the process's priority.
  }
}

let ring: PrivateKeyRing = createKeyRing([]);

function handle(message: RsaWorkerRequest): RsaWorkerResponse | undefined {
  switch (message.type) {
    case 'keys':
      ring = createKeyRing(message.keys);
      return undefined;
    case 'unseal': {
      const { outcome, rest } = unsealSlice(ring, message.request, message.maxRsaOperations);
      if (outcome.ok && message.discardData) {
        for (const key of Object.keys(outcome.data)) outcome.data[key] = '';
      }
      return { type: 'unseal', id: message.id, outcome, ...(rest ? { rest } : {}) };
    }
    case 'reseal': {
      const { outcome, rest } = resealSlice(ring, message.request, message.maxRsaOperations);
      return { type: 'reseal', id: message.id, outcome, ...(rest ? { rest } : {}) };
    }
    case 'generate': {
      const { privateKey } = generateKeyPairSync(message.bits);
      const certPem = createSelfSignedCertificate({ privateKey });
      const keyPem = new Uint8Array(Buffer.from(privateKey.export({ type: 'pkcs1', format: 'pem' })));
      // Signing the certificate is one private-key operation.
      return { type: 'generate', id: message.id, outcome: { keyPem, certPem, rsaOperations: 1 } };
    }
  }
}

parentPort?.on('message', (message: RsaWorkerRequest) => {
  const response = handle(message);
  if (response) parentPort?.postMessage(response);
});
