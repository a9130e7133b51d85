import { createSelfSignedCertificate, generateKeyPairSync, readCertificate } from '@gitseal/crypto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossCheckCert } from './cert-cross-check.js';
import { CliError, ExitCode } from './cli-error.js';

const names = {
  configMap: 'ConfigMap gitseal-system/gitseal-certs',
  service: 'Service gitseal-system/gitseal-controller',
};

function cert(): string {
  const { privateKey, publicKey } = generateKeyPairSync(2048);
  return createSelfSignedCertificate({ privateKey, publicKey });
}

const controller = generateKeyPairSync(2048);
const controllerPem = createSelfSignedCertificate(controller);

test('crossCheckCert: the same key (even in another certificate) matches the controller', () => {
  assert.equal(crossCheckCert(controllerPem, { pem: controllerPem }, names), "matches the controller's /v1/cert.pem");
  const reissued = createSelfSignedCertificate({ ...controller, commonName: 'other' });
  assert.notEqual(reissued, controllerPem);
  assert.equal(crossCheckCert(reissued, { pem: controllerPem }, names), "matches the controller's /v1/cert.pem");
});

test('crossCheckCert refuses a ConfigMap certificate the controller does not serve, naming both and the ConfigMap', () => {
  const attacker = cert();
  const [published, served] = [readCertificate(attacker).fingerprint, readCertificate(controllerPem).fingerprint];
  assert.throws(
    () => crossCheckCert(attacker, { pem: controllerPem }, names),
    (error: unknown) => {
      assert.ok(error instanceof CliError);
      assert.equal(error.exitCode, ExitCode.Remote);
      assert.ok(error.message.startsWith(`${names.configMap}: certificate ${published} differs from ${served}`));
      assert.ok(error.message.includes(`${names.service} /v1/cert.pem`));
      assert.ok(error.message.includes('--cert-fingerprint'));
      assert.ok(!error.message.includes('BEGIN CERTIFICATE'));
      assert.ok(!/\n/.test(error.message), 'one line');
      return true;
    },
  );
});

test('crossCheckCert notes a controller that could not be asked or answered no certificate', () => {
  assert.equal(
    crossCheckCert(controllerPem, { unreachable: `${names.service}: service unavailable (503)` }, names),
    `not cross-checked with the controller: ${names.service}: service unavailable (503)`,
  );
  assert.equal(
    crossCheckCert(controllerPem, { pem: '<html>hello</html>' }, names),
    `not cross-checked with the controller: ${names.service} /v1/cert.pem answered no certificate`,
  );
});
