import type { UiGitSyncSummary } from '@gitseal/manifests';
import { useMemo, useState } from 'preact/hooks';
import { Badge } from '../components/badge';
import { ListHead, NamespaceSelect } from '../components/list-head';
import { ago, exactTime, gitSyncHref } from '../format';
import { useLiveList } from '../live-list';
import { countStates, matches, STATES, type OverviewFilter } from '../overview-filter';

type View = 'table' | 'tiles';

function StateCell({ item }: { item: UiGitSyncSummary }) {
  return (
    <span class="state">
      <Badge value={item.state} />
      {item.reason !== undefined && <span class="reason">{item.reason}</span>}
    </span>
  );
}

function Revision({ item }: { item: UiGitSyncSummary }) {
  return item.shortRevision !== undefined ? (
    <code title={item.revision}>{item.shortRevision}</code>
  ) : (
    <span class="muted">{item.revision ?? '-'}</span>
  );
}

function LastSync({ item }: { item: UiGitSyncSummary }) {
  if (item.lastSyncAt === undefined) return <span class="muted">never</span>;
  return (
    <span title={exactTime(item.lastSyncAt)}>
      {ago(item.lastSyncAt)}
      {item.lastSyncDuration !== undefined && <span class="muted"> · {item.lastSyncDuration}</span>}
    </span>
  );
}

function Table({ items }: { items: readonly UiGitSyncSummary[] }) {
  return (
    <div class="table-scroll" role="region" aria-label="GitSyncs table" tabIndex={-1}>
      <table class="gitsyncs">
        <caption class="sr-only">GitSyncs: Tab moves from row to row, Enter opens one.</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Namespace</th>
            <th scope="col">Status</th>
            <th scope="col">Health</th>
            <th scope="col">Revision</th>
            <th scope="col">Last sync</th>
            <th scope="col">Suspended</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.key} data-key={item.key} data-state={item.state}>
              <th scope="row">
                <a class="row-link" href={gitSyncHref(item.namespace, item.name)} aria-label={`GitSync ${item.key}`}>
                  {item.name}
                </a>
              </th>
              <td>{item.namespace}</td>
              <td>
                <StateCell item={item} />
              </td>
              <td>
                <Badge value={item.health} /> <span class="muted">{item.objects} objects</span>
              </td>
              <td>
                <Revision item={item} />
              </td>
              <td>
                <LastSync item={item} />
              </td>
              <td>{item.suspended ? <Badge value="Suspended" /> : <span class="muted">no</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Tiles({ items }: { items: readonly UiGitSyncSummary[] }) {
  return (
    <ul class="tiles" aria-label="GitSyncs as tiles">
      {items.map((item) => (
        <li key={item.key} data-key={item.key} data-state={item.state}>
          <a class={`tile tile-${item.state}`} href={gitSyncHref(item.namespace, item.name)}>
            <span class="tile-name">{item.name}</span>
            <span class="muted">{item.namespace}</span>
            <StateCell item={item} />
            <span>
              <Badge value={item.health} /> {item.suspended && <Badge value="Suspended" />}
            </span>
            <span>
              <Revision item={item} /> · <LastSync item={item} />
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}

export function Overview() {
  const [filter, setFilter] = useState<OverviewFilter>({ namespace: '', status: '', text: '' });
  const [view, setView] = useState<View>('table');
  const list = useLiveList<UiGitSyncSummary>('/api/gitsyncs/stream');
  const { all } = list;
  const shown = useMemo(() => all.filter((i) => matches(i, filter)), [all, filter]);
  const counts = countStates(all);

  return (
    <section aria-labelledby="overview-title">
      <ListHead id="overview-title" title="GitSyncs" list={list} />
      <ul class="counts" aria-label="GitSyncs per state">
        <li>
          <strong data-count="Total">{all.length}</strong> total
        </li>
        {[...STATES, 'Suspended'].map((s) => (
          <li key={s}>
            <Badge value={s}>
              <strong data-count={s}>{counts[s] ?? 0}</strong> {s}
            </Badge>
          </li>
        ))}
      </ul>
      <form class="filters" role="search" aria-label="Filter GitSyncs" onSubmit={(e) => e.preventDefault()}>
        <NamespaceSelect
          value={filter.namespace}
          namespaces={list.namespaces}
          onChange={(namespace) => setFilter({ ...filter, namespace })}
        />
        <label>
          Status
          <select
            value={filter.status}
            onChange={(e) => setFilter({ ...filter, status: (e.target as HTMLSelectElement).value })}
          >
            <option value="">Any status</option>
            {[...STATES, 'Suspended'].map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label class="grow">
          Search
          <input
            type="search"
            placeholder="name, namespace, reason, source…"
            value={filter.text}
            onInput={(e) => setFilter({ ...filter, text: (e.target as HTMLInputElement).value })}
          />
        </label>
        <fieldset class="toggle">
          <legend>View</legend>
          {(['table', 'tiles'] as const).map((v) => (
            <button type="button" key={v} aria-pressed={view === v} onClick={() => setView(v)}>
              {v === 'table' ? 'Table' : 'Tiles'}
            </button>
          ))}
        </fieldset>
      </form>
      <p class="muted" aria-live="polite">
        {list.loaded ? `Showing ${shown.length} of ${all.length}` : 'Reading GitSyncs…'}
      </p>
      {list.loaded && all.length === 0 && list.problems.length === 0 && (
        <p class="empty">No GitSyncs yet. Create one with kubectl and it appears here.</p>
      )}
      {shown.length > 0 && (view === 'table' ? <Table items={shown} /> : <Tiles items={shown} />)}
    </section>
  );
}
