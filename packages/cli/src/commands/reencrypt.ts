import { detectEnvelope, sealValue, unsealValue, type CertificateInfo, type PrivateKeyRing } from '@gitseal/crypto';
import { replaceEncryptedData } from '@gitseal/manifests';
import { loadSealingCert, type CertSourceOptions } from '../cert-source.js';
import { CliError, wrapError } from '../cli-error.js';
import { resolveFileArgs } from '../list-manifest-files.js';
import type { EnvelopeOption } from '../options.js';
import { loadPrivateKeyRing } from '../private-keys.js';
import { readInput } from '../read-input.js';
import { parseInput, type ManifestInput } from '../read-manifests.js';
import { readSealedTarget, type SealedTarget } from '../sealed-target.js';
import { existingMode, writeFileAtomic } from '../write-file-atomic.js';

export interface ReencryptOptions extends CertSourceOptions {
  readonly privateKey?: string[];
  readonly file?: string[];
  readonly recursive?: string;
  readonly envelope?: EnvelopeOption;
}

interface Context {
  readonly keys: PrivateKeyRing;
  readonly cert: CertificateInfo;
  readonly envelope: EnvelopeOption | undefined;
}

/** New ciphertext for every value of one SealedSecret, bound to the same label; plaintext lives only in between. */
function resealValues(target: SealedTarget, context: Context): Record<string, string> {
  const updates: Record<string, string> = {};
  for (const [itemKey, value] of Object.entries(target.sealed.spec.encryptedData)) {
    let opened;
    try {
      opened = unsealValue({ keys: context.keys, scopeLabel: target.label, itemKey, value });
    } catch (error) {
      throw wrapError(target.where, error);
    }
    try {
      updates[itemKey] = sealValue({
        publicKey: context.cert.publicKey,
        scopeLabel: target.label,
        itemKey,
        plaintext: opened.plaintext,
        envelope: context.envelope ?? detectEnvelope(value),
      });
    } catch (error) {
      throw wrapError(`${target.where}: key "${itemKey}"`, error);
    } finally {
      opened.plaintext.wipe();
    }
  }
  return updates;
}

/** The file's text with every SealedSecret re-sealed; every other byte (comments, other objects) kept. */
function reencryptText(input: ManifestInput, context: Context): { text: string; count: number } {
  let text = input.text;
  let count = 0;
  for (const manifest of input.manifests) {
    if (manifest.object.kind !== 'SealedSecret') continue;
    const target = readSealedTarget(manifest.object, input.source);
    const updates = resealValues(target, context);
    try {
      text = replaceEncryptedData(text, manifest.index, updates, [], { source: input.source, item: manifest.item });
    } catch (error) {
      throw wrapError('', error);
    }
    count += 1;
  }
  return { text, count };
}

/**
 * `gitseal reencrypt`: re-seals SealedSecrets to a new certificate. Files (-f, -R) are rewritten in place only
 * after all of them were re-sealed in memory; without files, stdin goes to stdout. Plaintext is never printed.
 */
export async function runReencrypt(raw: Record<string, unknown>): Promise<string> {
  const options = raw as unknown as ReencryptOptions;
  const files = await resolveFileArgs(options.file, options.recursive);
  if (options.recursive !== undefined && files.length === 0) {
    throw new CliError(`${options.recursive}: no .yaml, .yml or .json files found`);
  }
  const inputs: ManifestInput[] = [];
  for (const file of files.length > 0 ? files : [undefined]) {
    inputs.push(parseInput(await readInput(file)));
  }
  const keys = await loadPrivateKeyRing(options.privateKey ?? []);
  const cert = await loadSealingCert(options);
  const context: Context = { keys, cert, envelope: options.envelope };
  const results = inputs.map((input) => ({ input, ...reencryptText(input, context) }));
  const total = results.reduce((n, r) => n + r.count, 0);
  if (total === 0) {
    throw new CliError(`${files.length > 0 ? files.join(', ') : 'stdin'}: no SealedSecret found`);
  }
  if (files.length === 0) return results[0]?.text ?? '';
  for (const { input, text, count } of results) {
    if (count === 0 || text === input.text) continue;
    await writeFileAtomic(input.source, text, { mode: (await existingMode(input.source)) ?? 0o644 });
  }
  return '';
}
