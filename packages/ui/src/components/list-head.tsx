import type { LiveList } from '../live-list';

/** A list page's title with its live state and scope, then its problems (RBAC notes, listing failures). */
export function ListHead({ id, title, list }: { id: string; title: string; list: LiveList<unknown> }) {
  return (
    <>
      <div class="page-head">
        <h1 id={id}>{title}</h1>
        <span class={`live live-${list.connection}`} role="status" aria-live="polite">
          {list.liveText}
          {list.loaded && list.scope !== '' && <span class="muted"> · {list.scope}</span>}
        </span>
      </div>
      {list.problems.map((p) => (
        <p class="problem" role="alert" key={p}>
          {p}
        </p>
      ))}
    </>
  );
}

/** The namespace filter of a list page. */
export function NamespaceSelect(props: {
  value: string;
  namespaces: readonly string[];
  onChange: (namespace: string) => void;
}) {
  return (
    <label>
      Namespace
      <select value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        <option value="">All namespaces</option>
        {props.namespaces.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
}
