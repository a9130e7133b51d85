import type { UiKey, UiSealedSecret } from '@gitseal/manifests';

const STATES: readonly string[] = ['active', 'decrypt-only', 'compromised'];
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;
const KEY_ID = /^[A-Za-z0-9_-]{16}$/;

/** One entry of the controller's `certs.json` (packages/controller/src/certs-config-map.ts), checked. */
export interface PublishedKey {
  readonly keyId: string;
  readonly fingerprint: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly state: UiKey['state'];
  readonly sealing: boolean;
}

const isTime = (value: unknown): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value));

/** The keys `certs.json` lists; entries of the wrong shape are dropped (the ConfigMap is public, not trusted). */
export function parseCertsJson(text: string): PublishedKey[] {
  const list: unknown = JSON.parse(text);
  if (!Array.isArray(list)) throw new Error('certs.json is not a list');
  return list.flatMap((entry: unknown): PublishedKey[] => {
    if (typeof entry !== 'object' || entry === null) return [];
    const e = entry as Record<string, unknown>;
    if (typeof e.keyId !== 'string' || !KEY_ID.test(e.keyId)) return [];
    if (typeof e.fingerprint !== 'string' || !FINGERPRINT.test(e.fingerprint)) return [];
    if (!isTime(e.notBefore) || !isTime(e.notAfter)) return [];
    if (typeof e.state !== 'string' || !STATES.includes(e.state)) return [];
    return [
      {
        keyId: e.keyId,
        fingerprint: e.fingerprint,
        notBefore: e.notBefore,
        notAfter: e.notAfter,
        state: e.state as UiKey['state'],
        sealing: e.sealing === true,
      },
    ];
  });
}

export interface KeyTable {
  readonly keys: UiKey[];
  /** Fingerprints named by SealedSecrets that no published key has. */
  readonly unknown: { fingerprint: string; opens: number }[];
}

/**
 * The Keys page's rows: each published key with how many of the SealedSecrets counted name it in
 * status.keyFingerprint (one SealedSecret opened with two keys counts for both), and for the sealing key the next
 * renewal (its certificate's notBefore plus the renewal period; undefined period: renewal off). Newest first.
 */
export function keyTable(
  published: readonly PublishedKey[],
  sealedSecrets: readonly Pick<UiSealedSecret, 'keyFingerprints'>[],
  renewPeriodMs: number | undefined,
): KeyTable {
  const counts = new Map<string, number>();
  for (const s of sealedSecrets) {
    for (const fingerprint of new Set(s.keyFingerprints)) counts.set(fingerprint, (counts.get(fingerprint) ?? 0) + 1);
  }
  const keys = [...published]
    .sort((a, b) => Date.parse(b.notBefore) - Date.parse(a.notBefore))
    .map((key): UiKey => {
      const renewal =
        key.sealing && renewPeriodMs !== undefined && renewPeriodMs > 0
          ? new Date(Date.parse(key.notBefore) + renewPeriodMs).toISOString()
          : undefined;
      return {
        ...key,
        ...(renewal === undefined ? {} : { nextRenewal: renewal }),
        opens: counts.get(key.fingerprint) ?? 0,
      };
    });
  const known = new Set(published.map((k) => k.fingerprint));
  const unknown = [...counts.entries()]
    .filter(([fingerprint]) => !known.has(fingerprint))
    .map(([fingerprint, opens]) => ({ fingerprint, opens }))
    .sort((a, b) => a.fingerprint.localeCompare(b.fingerprint));
  return { keys, unknown };
}

const UNITS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

/** A Go-style duration as the controller's --key-renew-period takes it (`720h`, `1h30m`); 0 means renewal is off. */
export function parseRenewPeriod(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  if (text !== '0' && (parts.length === 0 || parts.map((p) => p[0]).join('') !== text)) {
    throw new Error(`--key-renew-period ${JSON.stringify(text.slice(0, 40))}: expected a duration like 720h`);
  }
  return parts.reduce((ms, p) => ms + Number(p[1]) * (UNITS[p[2] ?? 's'] ?? 0), 0);
}
