// Browser-safe (no Node APIs): the SubjectPublicKeyInfo of an X.509 certificate, for WebCrypto's importKey('spki').

/** One DER element: where its contents start and end, and where the whole element ends. */
interface Element {
  readonly tag: number;
  readonly start: number;
  readonly end: number;
  readonly headerStart: number;
}

function readElement(der: Uint8Array, at: number): Element {
  if (at + 2 > der.length) throw new Error('certificate: truncated DER');
  const tag = der[at] ?? 0;
  let length = der[at + 1] ?? 0;
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4) throw new Error('certificate: unsupported DER length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + (der[start + i] ?? 0);
    start += bytes;
  }
  const end = start + length;
  if (end > der.length) throw new Error('certificate: truncated DER');
  return { tag, start, end, headerStart: at };
}

const SEQUENCE = 0x30;

/** The DER bytes of one `-----BEGIN CERTIFICATE-----` block (exactly one). */
export function pemToDer(pem: string): Uint8Array {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length !== 1) throw new Error(`certificate: expected one PEM block, found ${blocks.length}`);
  const body = (blocks[0] ?? '').replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
  const binary = atob(body);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/**
 * The subjectPublicKeyInfo element of a certificate: Certificate → tbsCertificate → [0] version (optional),
 * serialNumber, signature, issuer, validity, subject, subjectPublicKeyInfo.
 */
export function certificateSpki(der: Uint8Array): Uint8Array {
  const certificate = readElement(der, 0);
  if (certificate.tag !== SEQUENCE) throw new Error('certificate: not a DER SEQUENCE');
  const tbs = readElement(der, certificate.start);
  if (tbs.tag !== SEQUENCE) throw new Error('certificate: no tbsCertificate');
  let at = tbs.start;
  let field = readElement(der, at);
  if (field.tag === 0xa0) {
    at = field.end;
    field = readElement(der, at);
  }
  // serialNumber, signature, issuer, validity, subject: skip five elements.
  for (let i = 0; i < 5; i++) {
    at = field.end;
    field = readElement(der, at);
  }
  if (field.tag !== SEQUENCE) throw new Error('certificate: no subjectPublicKeyInfo');
  return der.slice(field.headerStart, field.end);
}
