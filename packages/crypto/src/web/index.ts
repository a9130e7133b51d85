// @gitseal/crypto/web: the browser-safe part (WebCrypto only), bundled by the web UI's Seal page.
export { certificateSpki, pemToDer } from './cert-spki.js';
export {
  base64,
  base64Url,
  importSealingCert,
  WEB_ENVELOPE_V2_DOMAIN,
  WEB_ENVELOPE_V2_PREFIX,
  webSealValue,
  type WebEnvelope,
  type WebSealingKey,
  type WebSealInput,
} from './web-seal.js';
