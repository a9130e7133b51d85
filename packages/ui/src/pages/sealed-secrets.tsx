import type { UiSealedSecret } from '@gitseal/manifests';
import { useMemo, useState } from 'preact/hooks';
import { Badge } from '../components/badge';
import { ListHead, NamespaceSelect } from '../components/list-head';
import { ago, exactTime } from '../format';
import { useLiveList } from '../live-list';

const syncedLabel = (s: UiSealedSecret): string =>
  s.synced === 'True' ? 'Synced' : s.synced === 'False' ? 'Failed' : 'Unknown';

/** `SHA256:abcd…wxyz`: enough to tell keys apart; the whole one on hover. */
export const shortFingerprint = (f: string): string => `${f.slice(0, 13)}…${f.slice(-4)}`;

function Row({ item }: { item: UiSealedSecret }) {
  return (
    <tr data-key={item.key} data-synced={item.synced}>
      <th scope="row">
        {item.name}
        {item.compromised && (
          <>
            {' '}
            <Badge value="KeyCompromised" tone="bad" />
          </>
        )}
      </th>
      <td>{item.namespace}</td>
      <td>
        <span class="state">
          <Badge
            value={syncedLabel(item)}
            tone={item.synced === 'True' ? 'ok' : item.synced === 'False' ? 'bad' : 'muted'}
          />
          {item.reason !== undefined && <span class="reason">{item.reason}</span>}
        </span>
        {item.message !== undefined && <div class="wrap muted small">{item.message}</div>}
      </td>
      <td>
        {item.keyFingerprints.length === 0 ? (
          <span class="muted">-</span>
        ) : (
          item.keyFingerprints.map((f) => (
            <code key={f} title={f} class="fingerprint" data-fingerprint={f}>
              {shortFingerprint(f)}
            </code>
          ))
        )}
      </td>
      <td>
        {item.scope} <span class="muted">· {item.envelope}</span>
        {item.scopeMismatch !== undefined && <div class="problem small">{item.scopeMismatch}</div>}
      </td>
      <td class="wrap" data-keys>
        {item.keys.join(', ') || <span class="muted">none</span>}
      </td>
      <td title={exactTime(item.createdAt)}>{ago(item.createdAt)}</td>
    </tr>
  );
}

export function SealedSecretsPage() {
  const [namespace, setNamespace] = useState('');
  const [text, setText] = useState('');
  const list = useLiveList<UiSealedSecret>('/api/sealedsecrets/stream');
  const { all } = list;
  const needle = text.trim().toLowerCase();
  const shown = useMemo(
    () =>
      all.filter(
        (i) =>
          (namespace === '' || i.namespace === namespace) &&
          (needle === '' ||
            [i.name, i.namespace, i.reason ?? '', i.message ?? '', ...i.keys].some((v) =>
              v.toLowerCase().includes(needle),
            )),
      ),
    [all, namespace, needle],
  );
  const failed = all.filter((i) => i.synced === 'False').length;
  const compromised = all.filter((i) => i.compromised).length;
  return (
    <section aria-labelledby="sealed-title">
      <ListHead id="sealed-title" title="SealedSecrets" list={list} />
      <ul class="counts" aria-label="SealedSecrets per state">
        <li>
          <strong data-count="Total">{all.length}</strong> total
        </li>
        <li>
          <Badge value="Synced" tone="ok">
            <strong data-count="Synced">{all.filter((i) => i.synced === 'True').length}</strong> Synced
          </Badge>
        </li>
        <li>
          <Badge value="Failed" tone="bad">
            <strong data-count="Failed">{failed}</strong> Failed
          </Badge>
        </li>
        <li>
          <Badge value="KeyCompromised" tone={compromised > 0 ? 'bad' : 'muted'}>
            <strong data-count="KeyCompromised">{compromised}</strong> KeyCompromised
          </Badge>
        </li>
      </ul>
      <form class="filters" role="search" aria-label="Filter SealedSecrets" onSubmit={(e) => e.preventDefault()}>
        <NamespaceSelect value={namespace} namespaces={list.namespaces} onChange={setNamespace} />
        <label class="grow">
          Search
          <input
            type="search"
            placeholder="name, namespace, reason, key name…"
            value={text}
            onInput={(e) => setText((e.target as HTMLInputElement).value)}
          />
        </label>
      </form>
      <p class="muted" aria-live="polite">
        {list.loaded ? `Showing ${shown.length} of ${all.length}` : 'Reading SealedSecrets…'}
      </p>
      {list.loaded && all.length === 0 && list.problems.length === 0 && (
        <p class="empty">No SealedSecrets yet. Seal one on the Seal page, or apply one with kubectl.</p>
      )}
      {shown.length > 0 && (
        <div class="table-scroll" role="region" aria-label="SealedSecrets table" tabIndex={0}>
          <table class="sealedsecrets">
            <caption class="sr-only">SealedSecrets: key names only, never values.</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Namespace</th>
                <th scope="col">Synced</th>
                <th scope="col">Key used</th>
                <th scope="col">Scope</th>
                <th scope="col">Keys</th>
                <th scope="col">Age</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((item) => (
                <Row key={item.key} item={item} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
