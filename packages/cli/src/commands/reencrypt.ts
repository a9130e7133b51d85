import { detectEnvelope, sealValue, unsealValue, type CertificateInfo, type PrivateKeyRing } from '@gitseal/crypto';
import { replaceEncryptedData } from '@gitseal/manifests';
import { certLine, loadSealingCert, type CertSourceOptions } from '../cert-source.js';
import { CliError, ExitCode, wrapError } from '../cli-error.js';
import { openControllerEndpoint, type ControllerEndpoint, type ControllerOptions } from '../controller-endpoint.js';
import { resolveFileArgs } from '../list-manifest-files.js';
import type { EnvelopeOption } from '../options.js';
import type { Notice } from '../command-io.js';
import { loadPrivateKeyRing } from '../private-keys.js';
import { progressOn, type Progress } from '../progress.js';
import { readInput } from '../read-input.js';
import { parseInput, type ManifestInput } from '../read-manifests.js';
import { readSealedTarget, type SealedTarget } from '../sealed-target.js';
import { replaceFiles } from '../write-file-atomic.js';
import { rotateThroughController } from './reencrypt-controller.js';

export interface ReencryptOptions extends CertSourceOptions, ControllerOptions {
  readonly privateKey?: string[] | undefined;
  readonly controller?: boolean | undefined;
  readonly file?: string[] | undefined;
  readonly recursive?: string | undefined;
  readonly envelope?: EnvelopeOption | undefined;
}

interface Context {
  readonly keys: PrivateKeyRing;
  readonly cert: CertificateInfo;
  readonly envelope: EnvelopeOption | undefined;
}

/** The new encryptedData values of one SealedSecret; `object` is the object as written in its file. */
type Reseal = (target: SealedTarget, object: unknown) => Promise<Record<string, string>>;

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
async function reencryptText(
  input: ManifestInput,
  reseal: Reseal,
  onObject: () => void,
): Promise<{ text: string; count: number }> {
  let text = input.text;
  let count = 0;
  for (const manifest of input.manifests) {
    if (manifest.object.kind !== 'SealedSecret') continue;
    const target = readSealedTarget(manifest.object, input.source);
    const updates = await reseal(target, manifest.object);
    try {
      text = replaceEncryptedData(text, manifest.index, updates, [], { source: input.source, item: manifest.item });
    } catch (error) {
      throw wrapError('', error);
    }
    count += 1;
    onObject();
  }
  return { text, count };
}

/** With recovery keys: the keys and the new certificate are loaded before anything is re-sealed. */
async function withPrivateKeys(options: ReencryptOptions, notice: Notice): Promise<Reseal> {
  const keys = await loadPrivateKeyRing(options.privateKey ?? []);
  const cert = await loadSealingCert(options);
  notice(certLine('sealing to certificate', cert));
  const context: Context = { keys, cert: cert.info, envelope: options.envelope };
  return (target) => Promise.resolve(resealValues(target, context));
}

/** Through the controller (POST /v1/rotate); it is reached only once there is a SealedSecret to send. */
function withController(options: ReencryptOptions): Reseal {
  let endpoint: ControllerEndpoint | undefined;
  return async (target, object) => {
    endpoint ??= await openControllerEndpoint(options);
    return rotateThroughController(endpoint, target, object);
  };
}

function checkMode(options: ReencryptOptions): void {
  if (options.controller) return; // commander refuses --controller with --private-key, --cert or --envelope
  if (options.controllerUrl !== undefined) {
    throw new CliError('reencrypt: --controller-url needs --controller', ExitCode.Usage);
  }
  if ((options.privateKey ?? []).length === 0) {
    throw new CliError(
      'reencrypt: give --private-key FILE (recovery keys) or --controller (the running controller re-encrypts)',
      ExitCode.Usage,
    );
  }
}

/**
 * `gitseal reencrypt`: re-seals SealedSecrets, with recovery keys to a new certificate or, with --controller, to
 * the controller's newest key. Files (-f, -R) are rewritten in place only after all of them were re-sealed in
 * memory, so one object that fails leaves every file as it was; without files, stdin goes to stdout. Only
 * encryptedData values change, and plaintext is never printed.
 */
export async function runReencrypt(
  options: ReencryptOptions,
  notice: Notice = () => undefined,
  progress: Progress = progressOn(),
): Promise<string> {
  checkMode(options);
  const files = await resolveFileArgs(options.file, options.recursive);
  if (options.recursive !== undefined && files.length === 0) {
    throw new CliError(`${options.recursive}: no .yaml, .yml or .json files found`);
  }
  const inputs: ManifestInput[] = [];
  for (const file of files.length > 0 ? files : [undefined]) {
    inputs.push(parseInput(await readInput(file)));
  }
  const reseal = options.controller ? withController(options) : await withPrivateKeys(options, notice);
  const results: { input: ManifestInput; text: string; count: number }[] = [];
  const sealedCount = inputs.reduce(
    (n, i) => n + i.manifests.filter((m) => m.object.kind === 'SealedSecret').length,
    0,
  );
  let done = 0;
  const onObject = (): void => {
    done += 1;
    progress.update(`reencrypted ${done}/${sealedCount}`, done === sealedCount);
  };
  try {
    for (const input of inputs) {
      results.push({ input, ...(await reencryptText(input, reseal, onObject)) });
    }
  } finally {
    progress.done();
  }
  const total = results.reduce((n, r) => n + r.count, 0);
  if (total === 0) {
    throw new CliError(`${files.length > 0 ? files.join(', ') : 'stdin'}: no SealedSecret found`);
  }
  if (files.length === 0) return results[0]?.text ?? '';
  await replaceFiles(
    results
      .filter(({ input, text, count }) => count > 0 && text !== input.text)
      .map(({ input, text }) => ({ path: input.source, content: text })),
  );
  return '';
}
