import type { UiObjectDiff, UiResource } from '@gitseal/manifests';
import { useEffect, useState } from 'preact/hooks';
import { getJson, gitSyncPath } from '../api';
import { Badge } from './badge';

const KEY_TONE = { added: 'busy', removed: 'bad', changed: 'warn', resealed: 'warn', unchanged: 'muted' } as const;

export function diffPath(gitSyncNs: string, gitSyncName: string, r: UiResource): string {
  const query = new URLSearchParams({
    apiVersion: r.apiVersion,
    kind: r.kind,
    name: r.name,
    ...(r.namespace === undefined ? {} : { namespace: r.namespace }),
  });
  return `${gitSyncPath(gitSyncNs, gitSyncName)}/diff?${query.toString()}`;
}

/** Live against desired for one object: key names with their change (never values), then the other fields. */
export function ObjectDiffPanel(props: { namespace: string; name: string; resource: UiResource; onClose: () => void }) {
  const { resource } = props;
  const [diff, setDiff] = useState<UiObjectDiff | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const path = diffPath(props.namespace, props.name, resource);
  useEffect(() => {
    // Keyboard and screen-reader users land on the panel they opened.
    document.getElementById('diff-title')?.focus();
  }, []);
  useEffect(() => {
    setDiff(undefined);
    setProblem(undefined);
    getJson<UiObjectDiff>(path).then(setDiff, (e: unknown) =>
      setProblem(e instanceof Error ? e.message : 'the diff could not be read'),
    );
  }, [path]);
  const label = `${resource.kind} ${resource.namespace ? `${resource.namespace}/` : ''}${resource.name}`;
  return (
    <section class="object-diff" aria-labelledby="diff-title" data-diff={`${resource.kind}/${resource.name}`}>
      <div class="page-head">
        <h3 id="diff-title" tabIndex={-1}>
          Diff of {label}
        </h3>
        <button type="button" onClick={props.onClose}>
          Close diff
        </button>
      </div>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
      {!diff && !problem && <p class="muted">Rendering the applied revision and comparing…</p>}
      {diff && (
        <>
          <p>
            <Badge value={diff.action} tone={diff.action === 'unchanged' ? 'ok' : 'warn'} /> live against{' '}
            <code>{diff.revision}</code>
            {diff.source && <span class="muted"> ({diff.source})</span>}
            {diff.changedBy.length > 0 && <span> · changed by {diff.changedBy.join(', ')}</span>}
          </p>
          {diff.keys.length > 0 && (
            <>
              <h4>Keys {diff.secret && <span class="muted">(names only, never values)</span>}</h4>
              <ul class="key-changes" aria-label="Key changes">
                {diff.keys.map((k) => (
                  <li key={k.key} data-key-change={k.change} data-key-name={k.key}>
                    <code>{k.key}</code> <Badge value={k.change} tone={KEY_TONE[k.change]} />
                  </li>
                ))}
              </ul>
            </>
          )}
          <h4>Fields that differ</h4>
          {diff.fields.length === 0 ? (
            <p class="muted">None.</p>
          ) : (
            <ul class="field-changes" aria-label="Field changes">
              {diff.fields.map((f) => (
                <li key={f.path} data-field={f.path}>
                  <code>{f.path}</code> <Badge value={f.kind} tone="warn" />
                  {f.before !== undefined && <span class="muted"> live {f.before}</span>}
                  {f.after !== undefined && <span> → desired {f.after}</span>}
                </li>
              ))}
            </ul>
          )}
          {diff.notes.map((n) => (
            <p class="muted" key={n}>
              {n}
            </p>
          ))}
        </>
      )}
    </section>
  );
}
