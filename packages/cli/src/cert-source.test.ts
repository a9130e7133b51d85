import { createSelfSignedCertificate, generateKeyPairSync, parseCertificate } from '@gitseal/crypto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { certLine } from './cert-source.js';

test('certLine names the fingerprint (as --cert-fingerprint takes it), the source and the check', () => {
  const info = parseCertificate(createSelfSignedCertificate(generateKeyPairSync(2048)));
  assert.match(info.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
  assert.equal(
    certLine('sealing to certificate', { info, source: 'cert.pem', checked: undefined }),
    `sealing to certificate ${info.fingerprint} (from cert.pem)`,
  );
  const source = 'ConfigMap gitseal-system/gitseal-certs';
  assert.equal(
    certLine('certificate', { info, source, checked: "matches the controller's /v1/cert.pem" }),
    `certificate ${info.fingerprint} (from ${source}, matches the controller's /v1/cert.pem)`,
  );
});
