import type { UiActionResult, UiDetailMessage, UiGitSyncDetail, UiResource, UiResourceGroup } from '@gitseal/manifests';
import { useState } from 'preact/hooks';
import { gitSyncPath, postAction } from '../api';
import { Badge } from '../components/badge';
import { ObjectDiffPanel } from '../components/object-diff';
import { ago, exactTime } from '../format';
import { useEventStream } from '../live';

type Action = 'sync' | 'suspend' | 'resume';

const PENDING: Record<Action, string> = {
  sync: 'Sync requested: waiting for the controller…',
  suspend: 'Suspending…',
  resume: 'Resuming…',
};

function Actions({ detail }: { detail: UiGitSyncDetail }) {
  const [busy, setBusy] = useState<Action | undefined>();
  const [result, setResult] = useState<UiActionResult | undefined>();
  const { namespace, name, suspended } = detail.summary;
  const allowed = detail.permissions.patch;
  const run = async (action: Action) => {
    setBusy(action);
    setResult({ ok: true, message: PENDING[action] });
    setResult(await postAction(`${gitSyncPath(namespace, name)}/${action}`));
    setBusy(undefined);
  };
  const toggle: Action = suspended ? 'resume' : 'suspend';
  return (
    <div class="actions" role="group" aria-label="Actions">
      <button
        type="button"
        class="primary"
        disabled={!allowed || busy !== undefined}
        aria-describedby={allowed ? undefined : 'actions-denied'}
        onClick={() => void run('sync')}
      >
        {busy === 'sync' ? 'Syncing…' : 'Sync now'}
      </button>
      <button
        type="button"
        disabled={!allowed || busy !== undefined}
        aria-describedby={allowed ? undefined : 'actions-denied'}
        onClick={() => void run(toggle)}
      >
        {suspended ? 'Resume' : 'Suspend'}
      </button>
      {!allowed && (
        <p id="actions-denied" class="muted denied">
          Actions disabled: {detail.permissions.reason ?? 'you may not patch this GitSync'}.
        </p>
      )}
      <p class={`action-result ${result && !result.ok ? 'problem' : ''}`} role="status" aria-live="polite">
        {result?.message ?? ''}
      </p>
    </div>
  );
}

function Resources({ groups, onDiff }: { groups: readonly UiResourceGroup[]; onDiff: (resource: UiResource) => void }) {
  if (groups.length === 0) return <p class="muted">No applied objects yet.</p>;
  return (
    <>
      {groups.map((group) => (
        <section key={group.kind} class="kind" aria-label={`${group.kind} objects`}>
          <h3>
            {group.kind} <span class="muted">({group.resources.length})</span>
          </h3>
          <div class="table-scroll">
            <table class="resources">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Sync</th>
                  <th scope="col">Health</th>
                  <th scope="col">Keys</th>
                  <th scope="col">
                    <span class="sr-only">Diff</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {group.resources.map((r) => (
                  <tr key={`${r.namespace ?? ''}/${r.name}`} data-resource={`${r.kind}/${r.name}`} data-sync={r.sync}>
                    <th scope="row">
                      {r.namespace !== undefined && <span class="muted">{r.namespace}/</span>}
                      {r.name}
                    </th>
                    <td>
                      <Badge value={r.sync} /> {r.syncMessage && <span class="reason">{r.syncMessage}</span>}
                    </td>
                    <td>
                      <Badge value={r.health} /> {r.healthMessage && <span class="reason">{r.healthMessage}</span>}
                    </td>
                    <td>{r.keys ? r.keys.join(', ') || '-' : <span class="muted">-</span>}</td>
                    <td>
                      <button type="button" aria-label={`Diff of ${r.kind} ${r.name}`} onClick={() => onDiff(r)}>
                        Diff
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </>
  );
}

function Detail({ detail }: { detail: UiGitSyncDetail }) {
  const s = detail.summary;
  const [diffOf, setDiffOf] = useState<UiResource | undefined>();
  const counts = detail.resources
    .flatMap((g) => g.resources)
    .reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.sync]: (acc[r.sync] ?? 0) + 1 }), {});
  return (
    <>
      <div class="page-head">
        <h1 id="gitsync-title">
          {s.name} <span class="muted">in {s.namespace}</span>
        </h1>
        <span class="state">
          <Badge value={s.state} /> {s.reason && <span class="reason">{s.reason}</span>}
          {s.suspended && <Badge value="Suspended" />}
        </span>
      </div>
      {s.message && <p class="message">{s.message}</p>}
      {detail.problems.map((p) => (
        <p class="problem" role="alert" key={p}>
          {p}
        </p>
      ))}
      <Actions detail={detail} />
      <dl class="facts">
        <dt>Source</dt>
        <dd>
          <code>{s.sourceUrl ?? '-'}</code> {detail.sourceRef} {detail.sourcePath && `· path ${detail.sourcePath}`}
        </dd>
        <dt>Revision</dt>
        <dd>
          <code title={s.revision}>{s.shortRevision ?? s.revision ?? '-'}</code>
        </dd>
        <dt>Last sync</dt>
        <dd title={exactTime(s.lastSyncAt)}>
          {ago(s.lastSyncAt)} {s.lastSyncDuration && `(${s.lastSyncDuration})`}
        </dd>
        <dt>Interval, prune, self-heal</dt>
        <dd>
          {detail.interval ?? '-'} · prune {detail.prune ? 'on' : 'off'} · self-heal {detail.selfHeal ? 'on' : 'off'}
        </dd>
      </dl>
      <section aria-labelledby="resources-title">
        <h2 id="resources-title">
          Resources{' '}
          <span class="muted" data-sync-counts>
            {Object.entries(counts)
              .map(([k, v]) => `${v} ${k === 'InSync' ? 'in sync' : k.toLowerCase()}`)
              .join(', ')}
          </span>
        </h2>
        <Resources groups={detail.resources} onDiff={setDiffOf} />
        {diffOf && (
          <ObjectDiffPanel
            key={`${diffOf.kind}/${diffOf.namespace ?? ''}/${diffOf.name}`}
            namespace={s.namespace}
            name={s.name}
            resource={diffOf}
            onClose={() => setDiffOf(undefined)}
          />
        )}
      </section>
      <section aria-labelledby="conditions-title">
        <h2 id="conditions-title">Conditions</h2>
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Type</th>
                <th scope="col">Status</th>
                <th scope="col">Reason</th>
                <th scope="col">Message</th>
                <th scope="col">Since</th>
              </tr>
            </thead>
            <tbody>
              {detail.conditions.map((c) => (
                <tr key={c.type}>
                  <th scope="row">{c.type}</th>
                  <td>
                    <Badge
                      value={c.status}
                      tone={c.status === 'True' ? (c.type === 'Ready' ? 'ok' : 'warn') : 'muted'}
                    />
                  </td>
                  <td>{c.reason ?? '-'}</td>
                  <td class="wrap">{c.message ?? '-'}</td>
                  <td title={exactTime(c.lastTransitionTime)}>{ago(c.lastTransitionTime)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="history-title">
        <h2 id="history-title">History</h2>
        <div class="table-scroll">
          <table class="history">
            <thead>
              <tr>
                <th scope="col">Revision</th>
                <th scope="col">Result</th>
                <th scope="col">Started</th>
                <th scope="col">Duration</th>
                <th scope="col">Changed</th>
                <th scope="col">Unchanged</th>
                <th scope="col">Pruned</th>
              </tr>
            </thead>
            <tbody>
              {detail.history.map((h, i) => (
                <tr key={`${h.revision}-${h.startedAt ?? i}`} data-revision={h.revision}>
                  <th scope="row">
                    <code title={h.revision}>{h.shortRevision ?? h.revision}</code>
                  </th>
                  <td>
                    <Badge value={h.result} />
                  </td>
                  <td title={exactTime(h.startedAt)}>{ago(h.startedAt)}</td>
                  <td>{h.duration ?? '-'}</td>
                  <td>{h.changed ?? '-'}</td>
                  <td>{h.unchanged ?? '-'}</td>
                  <td>{h.pruned ?? '-'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="events-title">
        <h2 id="events-title">Events</h2>
        {detail.events.length === 0 ? (
          <p class="muted">No Events.</p>
        ) : (
          <ul class="events">
            {detail.events.map((e, i) => (
              <li key={i}>
                <Badge value={e.type} /> <strong>{e.reason ?? '-'}</strong>{' '}
                <span class="muted" title={exactTime(e.lastSeen)}>
                  {ago(e.lastSeen)}
                  {e.count > 1 && ` ×${e.count}`}
                </span>
                <div class="wrap">{e.message}</div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

export function GitSyncPage({ namespace, name }: { namespace: string; name: string }) {
  const [detail, setDetail] = useState<UiGitSyncDetail | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  useEventStream<UiDetailMessage>(`${gitSyncPath(namespace, name)}/stream`, (m) => {
    if (m.type === 'detail') {
      setDetail(m.detail);
      setNotice(undefined);
    } else setNotice(m.message);
  });
  return (
    <section aria-labelledby="gitsync-title">
      <nav aria-label="Breadcrumb" class="crumbs">
        <a href="#/">GitSyncs</a> / {namespace} / {name}
      </nav>
      {notice !== undefined && (
        <p class="problem" role="alert">
          {notice}
        </p>
      )}
      {detail === undefined ? (
        <h1 id="gitsync-title">
          {name} <span class="muted">loading…</span>
        </h1>
      ) : (
        <Detail detail={detail} />
      )}
    </section>
  );
}
