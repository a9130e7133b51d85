import type { UiKeys } from '@gitseal/manifests';
import { useState } from 'preact/hooks';
import { Badge } from '../components/badge';
import { ago, exactTime } from '../format';
import { useEventStream } from '../live';
import { shortFingerprint } from './sealed-secrets';

/** `in 12d`, `in 5h`, `due` from an RFC 3339 time. */
function until(time: string | undefined, now = Date.now()): string {
  if (time === undefined) return '-';
  const ms = Date.parse(time) - now;
  if (Number.isNaN(ms)) return '-';
  if (ms <= 0) return 'due';
  const h = Math.floor(ms / 3_600_000);
  return h >= 48 ? `in ${Math.floor(h / 24)}d` : h >= 1 ? `in ${h}h` : `in ${Math.max(1, Math.floor(ms / 60_000))}m`;
}

const TONE = { active: 'ok', 'decrypt-only': 'muted', compromised: 'bad' } as const;

export function KeysPage() {
  const [keys, setKeys] = useState<UiKeys | undefined>();
  const connection = useEventStream<UiKeys>('/api/keys/stream', setKeys);
  return (
    <section aria-labelledby="keys-title">
      <div class="page-head">
        <h1 id="keys-title">Sealing keys</h1>
        <span class={`live live-${connection}`} role="status" aria-live="polite">
          {keys === undefined ? 'Loading…' : connection === 'live' ? 'Live' : 'Reconnecting…'}
          {keys && <span class="muted"> · from {keys.source}</span>}
        </span>
      </div>
      {keys?.problems.map((p) => (
        <p class="problem" role="alert" key={p}>
          {p}
        </p>
      ))}
      {keys && (
        <p class="muted">
          Counts over the {keys.counted} SealedSecrets you can list ({keys.countScope}): a decrypt-only key that opens
          none can be retired. {keys.renewPeriod ? `A new key every ${keys.renewPeriod}.` : 'Renewal is off.'}
        </p>
      )}
      {keys && keys.keys.length > 0 && (
        <div class="table-scroll" role="region" aria-label="Keys table" tabIndex={0}>
          <table class="keys">
            <thead>
              <tr>
                <th scope="col">Fingerprint</th>
                <th scope="col">State</th>
                <th scope="col">Age</th>
                <th scope="col">Next renewal</th>
                <th scope="col">Certificate expires</th>
                <th scope="col">Opens</th>
              </tr>
            </thead>
            <tbody>
              {keys.keys.map((k) => (
                <tr key={k.keyId} data-key-id={k.keyId} data-fingerprint={k.fingerprint} data-state={k.state}>
                  <th scope="row">
                    <code title={k.fingerprint}>{shortFingerprint(k.fingerprint)}</code>{' '}
                    <span class="muted small">id {k.keyId}</span>
                  </th>
                  <td>
                    <Badge value={k.state} tone={TONE[k.state]} /> {k.sealing && <Badge value="sealing" tone="ok" />}
                  </td>
                  <td title={exactTime(k.notBefore)}>{ago(k.notBefore).replace(' ago', '')}</td>
                  <td title={exactTime(k.nextRenewal)}>{k.sealing ? until(k.nextRenewal) : '-'}</td>
                  <td title={exactTime(k.notAfter)}>{exactTime(k.notAfter)?.split(',')[0] ?? '-'}</td>
                  <td data-opens>
                    {k.opens} {k.opens === 1 ? 'SealedSecret' : 'SealedSecrets'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {keys && keys.unknown.length > 0 && (
        <p class="problem">
          Opened with keys the controller no longer publishes:{' '}
          {keys.unknown.map((u) => `${shortFingerprint(u.fingerprint)} (${u.opens})`).join(', ')}
        </p>
      )}
    </section>
  );
}
