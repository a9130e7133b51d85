export { CryptoError, CryptoErrorCode } from './errors.js';
export { Redacted } from './redacted.js';
export {
  decodeBase64Strict,
  decodeBase64UrlStrict,
  encodeBase64,
  encodeBase64Url,
  isStrictBase64,
} from './strict-base64.js';
export { describeScopeLabel, isScope, Scope, scopeLabel } from './scope-label.js';
export { hybridEncrypt } from './hybrid-encrypt.js';
export { hybridDecrypt } from './hybrid-decrypt.js';
export { isKeyId, keyId, sshFingerprint } from './fingerprint.js';
export {
  DEFAULT_RSA_BITS,
  exportPrivateKeyPem,
  exportPublicKeyPem,
  generateKeyPair,
  generateKeyPairSync,
  MIN_RSA_BITS,
  parsePrivateKey,
  parsePublicKey,
  type KeyPair,
} from './key-pair.js';
export { parseCertificate, readCertificate, type CertificateInfo } from './certificate.js';
export {
  createSelfSignedCertificate,
  DEFAULT_COMMON_NAME,
  DEFAULT_VALIDITY_DAYS,
  type SelfSignedCertificateOptions,
} from './self-signed-certificate.js';
export { detectEnvelope, Envelope } from './envelope.js';
export {
  ENVELOPE_V2_DOMAIN,
  ENVELOPE_V2_PREFIX,
  envelopeV2Aad,
  envelopeV2OaepLabel,
  isEnvelopeV2,
  openEnvelopeV2,
  parseEnvelopeV2,
  sealEnvelopeV2,
  type EnvelopeV2,
  type OpenEnvelopeV2Input,
  type SealEnvelopeV2Input,
} from './envelope-v2.js';
export { createHeldKey, createKeyRing, type HeldKey, type HeldKeyInput, type PrivateKeyRing } from './key-ring.js';
export { orderKeysForTrial } from './key-order.js';
export { sealValue, type SealValueInput } from './seal-value.js';
export { unsealValue, type UnsealedValue, type UnsealValueInput } from './unseal-value.js';
export { inspectSealedValue, type SealedValueInfo } from './inspect-sealed-value.js';
export { CodedError, isCodedError, safeMessage, unexpectedError } from './coded-error.js';
