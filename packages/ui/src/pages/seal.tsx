// The Seal page: the browser seals with the cluster's certificate (WebCrypto). The only request it makes is GET
// /api/cert; what is typed stays in this page (no form is ever submitted, nothing is posted).
import { importSealingCert, webSealValue, type WebEnvelope } from '@gitseal/crypto/web';
import type { UiCertificate } from '@gitseal/manifests';
import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../api';
import { exactTime } from '../format';
import { pairsToItems, parseSecretYaml, type SecretInput } from '../seal/secret-input';
import { formatSealed, isObjectName, scopeLabelOf, sealedSecretObject, type Scope } from '../seal/sealed-output';

type Mode = 'yaml' | 'pairs';
type Format = 'yaml' | 'json';

interface Pair {
  readonly id: number;
  readonly key: string;
  readonly value: string;
}

const EXAMPLE = `apiVersion: v1
kind: Secret
metadata:
  name: db-creds
  namespace: team-a
stringData:
  password: change-me
`;

let nextId = 1;
const newPair = (): Pair => ({ id: nextId++, key: '', value: '' });

function input(mode: Mode, yaml: string, pairs: readonly Pair[], type: string): SecretInput {
  if (mode === 'yaml') return parseSecretYaml(yaml);
  return { type: type || 'Opaque', items: pairsToItems(pairs) };
}

function useCertificate(): { cert?: UiCertificate; problem?: string } {
  const [state, setState] = useState<{ cert?: UiCertificate; problem?: string }>({});
  useEffect(() => {
    getJson<UiCertificate>('/api/cert').then(
      (cert) => setState({ cert }),
      (e: unknown) => setState({ problem: e instanceof Error ? e.message : 'the certificate could not be read' }),
    );
  }, []);
  return state;
}

export function SealPage() {
  const { cert, problem } = useCertificate();
  const [mode, setMode] = useState<Mode>('pairs');
  const [yaml, setYaml] = useState('');
  const [pairs, setPairs] = useState<Pair[]>([newPair()]);
  const [name, setName] = useState('');
  const [namespace, setNamespace] = useState('');
  const [type, setType] = useState('Opaque');
  const [scope, setScope] = useState<Scope>('strict');
  const [envelope, setEnvelope] = useState<WebEnvelope>('v2');
  const [format, setFormat] = useState<Format>('yaml');
  const [output, setOutput] = useState<{ text: string; name: string } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [copied, setCopied] = useState('');
  const [download, setDownload] = useState<string | undefined>();

  useEffect(() => () => download && URL.revokeObjectURL(download), [download]);

  const seal = async () => {
    setError(undefined);
    setCopied('');
    try {
      if (cert === undefined) throw new Error('no certificate to seal with');
      const secret = input(mode, yaml, pairs, type);
      if (secret.items.length === 0) throw new Error('nothing to seal: add at least one key');
      const objectName = secret.name ?? name.trim();
      const ns = secret.namespace ?? namespace.trim();
      if (secret.namespace !== undefined && namespace.trim() !== '' && namespace.trim() !== secret.namespace) {
        throw new Error(`the Secret's namespace "${secret.namespace}" differs from the Namespace field`);
      }
      if (!isObjectName(objectName)) throw new Error('a valid name is needed (lowercase letters, digits, - and .)');
      const label = scopeLabelOf(scope, ns, objectName);
      const sealingKey = await importSealingCert(cert.pem);
      const encryptedData: Record<string, string> = {};
      for (const item of secret.items) {
        encryptedData[item.key] = await webSealValue({
          sealingKey,
          scopeLabel: label,
          itemKey: item.key,
          plaintext: item.value,
          envelope,
        });
        item.value.fill(0);
      }
      const object = sealedSecretObject({
        name: objectName,
        ...(ns === '' ? {} : { namespace: ns }),
        scope,
        type: secret.type,
        ...(secret.labels ? { labels: secret.labels } : {}),
        ...(secret.annotations ? { annotations: secret.annotations } : {}),
        encryptedData,
      });
      const text = formatSealed(object, format);
      setOutput({ text, name: objectName });
      setDownload(
        URL.createObjectURL(new Blob([text], { type: format === 'json' ? 'application/json' : 'application/yaml' })),
      );
    } catch (e) {
      setOutput(undefined);
      setError(e instanceof Error ? e.message : 'sealing failed');
    }
  };

  const copy = async () => {
    if (!output) return;
    try {
      await navigator.clipboard.writeText(output.text);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('The clipboard is not available: select the text and copy it.');
    }
  };

  const setPair = (id: number, change: Partial<Pair>) =>
    setPairs((list) => list.map((p) => (p.id === id ? { ...p, ...change } : p)));

  return (
    <section aria-labelledby="seal-title">
      <div class="page-head">
        <h1 id="seal-title">Seal a Secret</h1>
      </div>
      <p class="muted">
        Your browser seals with the cluster's certificate (WebCrypto, RSA-OAEP-SHA256 + AES-256-GCM): what you type
        never leaves this page. Commit the SealedSecret to Git, or apply it with kubectl.
      </p>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
      {cert && (
        <p class="cert" data-fingerprint={cert.fingerprint}>
          Sealing to <code title={cert.fingerprint}>{cert.fingerprint}</code>{' '}
          <span class="muted">
            (from {cert.source}; expires {exactTime(cert.notAfter)})
          </span>
        </p>
      )}
      <form class="seal-form" aria-label="Seal" onSubmit={(e) => (e.preventDefault(), void seal())}>
        <fieldset class="toggle">
          <legend>Input</legend>
          {(['pairs', 'yaml'] as const).map((m) => (
            <button type="button" key={m} aria-pressed={mode === m} onClick={() => setMode(m)}>
              {m === 'pairs' ? 'Key/value pairs' : 'Secret YAML'}
            </button>
          ))}
        </fieldset>
        {mode === 'yaml' ? (
          <label class="block">
            Secret (YAML)
            <textarea
              rows={10}
              spellcheck={false}
              autocomplete="off"
              placeholder={EXAMPLE}
              value={yaml}
              onInput={(e) => setYaml((e.target as HTMLTextAreaElement).value)}
            />
          </label>
        ) : (
          <fieldset class="pairs">
            <legend>Keys and values</legend>
            {pairs.map((p, i) => (
              <div class="pair" key={p.id}>
                <label>
                  Key {i + 1}
                  <input
                    value={p.key}
                    autocomplete="off"
                    spellcheck={false}
                    onInput={(e) => setPair(p.id, { key: (e.target as HTMLInputElement).value })}
                  />
                </label>
                <label class="grow">
                  Value {i + 1}
                  <textarea
                    rows={1}
                    autocomplete="off"
                    spellcheck={false}
                    value={p.value}
                    onInput={(e) => setPair(p.id, { value: (e.target as HTMLTextAreaElement).value })}
                  />
                </label>
                <button
                  type="button"
                  aria-label={`Remove key ${i + 1}`}
                  disabled={pairs.length === 1}
                  onClick={() => setPairs((list) => list.filter((q) => q.id !== p.id))}
                >
                  Remove
                </button>
              </div>
            ))}
            <button type="button" onClick={() => setPairs((list) => [...list, newPair()])}>
              Add a key
            </button>
          </fieldset>
        )}
        <div class="filters">
          <label>
            Name
            <input
              value={name}
              autocomplete="off"
              placeholder={mode === 'yaml' ? 'from the YAML' : 'db-creds'}
              onInput={(e) => setName((e.target as HTMLInputElement).value)}
            />
          </label>
          <label>
            Namespace
            <input
              value={namespace}
              autocomplete="off"
              placeholder={mode === 'yaml' ? 'from the YAML' : 'team-a'}
              onInput={(e) => setNamespace((e.target as HTMLInputElement).value)}
            />
          </label>
          {mode === 'pairs' && (
            <label>
              Type
              <input value={type} onInput={(e) => setType((e.target as HTMLInputElement).value)} />
            </label>
          )}
          <label>
            Scope
            <select value={scope} onChange={(e) => setScope((e.target as HTMLSelectElement).value as Scope)}>
              <option value="strict">strict (this name and namespace)</option>
              <option value="namespace-wide">namespace-wide</option>
              <option value="cluster-wide">cluster-wide</option>
            </select>
          </label>
          <label>
            Envelope
            <select
              value={envelope}
              onChange={(e) => setEnvelope((e.target as HTMLSelectElement).value as WebEnvelope)}
            >
              <option value="v2">v2 (gitseal: key id, item binding)</option>
              <option value="v1">v1 (Bitnami-compatible)</option>
            </select>
          </label>
          <label>
            Format
            <select value={format} onChange={(e) => setFormat((e.target as HTMLSelectElement).value as Format)}>
              <option value="yaml">YAML</option>
              <option value="json">JSON</option>
            </select>
          </label>
        </div>
        <button type="submit" class="primary" disabled={cert === undefined}>
          Seal
        </button>
      </form>
      {error && (
        <p class="problem" role="alert">
          {error}
        </p>
      )}
      {output && (
        <section aria-labelledby="sealed-output-title" class="sealed-output">
          <h2 id="sealed-output-title">SealedSecret</h2>
          <div class="actions">
            <button type="button" onClick={() => void copy()}>
              Copy
            </button>
            {download && (
              <a class="button" href={download} download={`${output.name}.sealedsecret.${format}`}>
                Download
              </a>
            )}
            <span role="status" aria-live="polite">
              {copied}
            </span>
          </div>
          <pre id="sealed-output" tabIndex={0} aria-label="The sealed manifest">
            {output.text}
          </pre>
        </section>
      )}
    </section>
  );
}
