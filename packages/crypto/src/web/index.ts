// @gitseal/crypto/web: the browser-safe part (WebCrypto only), bundled by the web UI's Seal page.
export { importSealingCert, webSealValue, type WebEnvelope } from './web-seal.js';
