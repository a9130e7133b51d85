import { encodeBase64, unsealValue, type PrivateKeyRing } from '@gitseal/crypto';
import { formatManifests, type Secret } from '@gitseal/manifests';
import { CliError, wrapError } from '../cli-error.js';
import type { OutputFormat } from '../options.js';
import { loadPrivateKeyRing } from '../private-keys.js';
import { readManifests } from '../read-manifests.js';
import { readSealedTarget, type SealedTarget } from '../sealed-target.js';

export interface UnsealOptions {
  readonly privateKey?: string[] | undefined;
  readonly file?: string | undefined;
  readonly format: OutputFormat;
}

/** Opens every value of one SealedSecret and builds the Secret it stands for (template.data copied as is). */
function unsealOne(target: SealedTarget, keys: PrivateKeyRing): Secret {
  const { sealed, label } = target;
  const data: Record<string, string> = {};
  let preferKeyId: string | undefined;
  for (const [itemKey, value] of Object.entries(sealed.spec.encryptedData)) {
    try {
      const opened = unsealValue({ keys, scopeLabel: label, itemKey, value, preferKeyId });
      preferKeyId = opened.keyId;
      data[itemKey] = encodeBase64(opened.plaintext.reveal());
      opened.plaintext.wipe();
    } catch (error) {
      throw wrapError(target.where, error);
    }
  }
  const template = sealed.spec.template ?? {};
  const meta = template.metadata ?? {};
  const secret: Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: sealed.metadata.name,
      ...(sealed.metadata.namespace === undefined ? {} : { namespace: sealed.metadata.namespace }),
      ...(meta.labels ? { labels: meta.labels } : {}),
      ...(meta.annotations ? { annotations: meta.annotations } : {}),
    },
    type: template.type ?? 'Opaque',
    ...(template.immutable === undefined ? {} : { immutable: template.immutable }),
    data,
  };
  // Templates are not rendered here: they are kept literally (stringData wins over data, as the controller's
  // rendered template.data would).
  if (template.data && Object.keys(template.data).length > 0) secret.stringData = { ...template.data };
  return secret;
}

/** `gitseal unseal`: recovery decryption with private keys; the only command that prints plaintext (to stdout). */
export async function runUnseal(options: UnsealOptions): Promise<string> {
  const input = await readManifests(options.file);
  if (input.manifests.length === 0) throw new CliError(`${input.source}: no SealedSecret found`);
  const targets = input.manifests.map((m) => readSealedTarget(m.object, m.source));
  const keys = await loadPrivateKeyRing(options.privateKey ?? []);
  return formatManifests(
    targets.map((t) => unsealOne(t, keys)),
    options.format,
  );
}
