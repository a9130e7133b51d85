import { Scope, scopeLabel, sealValue, type CertificateInfo, type Redacted } from '@gitseal/crypto';
import {
  buildSealedSecret,
  describeObjectInFile,
  formatManifests,
  isValidNamespace,
  isValidObjectName,
  readSecret,
  replaceEncryptedData,
  scopeOf,
  type ParsedManifest,
  type SealedSecret,
  type SealedSecretApiVersion,
} from '@gitseal/manifests';
import { certLine, loadSealingCert, type CertSourceOptions } from '../cert-source.js';
import { CliError, ExitCode, wrapError } from '../cli-error.js';
import { parseFromFiles } from '../from-file.js';
import { progressOn, type Progress } from '../progress.js';
import { kubesealEnvFlag } from '../kubeseal-env.js';
import { defaultEnvelope, type EnvelopeOption, type OutputFormat } from '../options.js';
import type { Notice } from '../command-io.js';
import { readFileBytesCapped, readStdinBytesCapped } from '../read-input.js';
import { readManifestFile, readManifests } from '../read-manifests.js';
import { scopeAnnotations, withoutScopeAnnotations } from '../scope-annotations.js';
import { readSealedTarget } from '../sealed-target.js';
import { existingMode, writeFileAtomic } from '../write-file-atomic.js';

export interface SealOptions extends CertSourceOptions {
  readonly file?: string | undefined;
  readonly outputFile?: string | undefined;
  readonly format: OutputFormat;
  readonly apiVersion: SealedSecretApiVersion;
  readonly envelope?: EnvelopeOption | undefined;
  readonly scope?: Scope | undefined;
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
  readonly raw?: boolean | undefined;
  /** `--from-file [KEY=]PATH`, as often as given (--raw takes one; a key given twice is refused). */
  readonly fromFile?: readonly string[] | undefined;
  readonly mergeInto?: string | undefined;
  /** kubeseal's --allow-empty-data: seal a Secret with no values (a SealedSecret with no items). */
  readonly allowEmptyData?: boolean | undefined;
}

/** A Secret read from the input with everything sealing needs: its values and the label to bind them to. */
interface PlannedSecret {
  readonly where: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly scope: Scope;
  readonly label: string;
  readonly type: string;
  readonly immutable: boolean | undefined;
  readonly labels: Record<string, string> | undefined;
  readonly annotations: Record<string, string>;
  readonly data: Map<string, Redacted>;
}

function usage(message: string): CliError {
  return new CliError(message, ExitCode.Usage);
}

function checkCombinations(options: SealOptions): void {
  if (options.raw && options.mergeInto !== undefined) throw usage('--raw and --merge-into cannot be combined');
  if (!options.raw && options.fromFile !== undefined) throw usage('--from-file needs --raw');
  if (!options.raw && options.name !== undefined) throw usage('--name needs --raw (the Secret names itself)');
  if (options.mergeInto !== undefined && options.outputFile !== undefined) {
    throw usage('--merge-into rewrites its file in place; it cannot be combined with --output-file');
  }
}

function labelFor(where: string, scope: Scope, namespace: string | undefined, name: string | undefined): string {
  try {
    return scopeLabel(scope, namespace, name);
  } catch {
    throw new CliError(`${where}: ${scope} scope needs a namespace (set metadata.namespace or --namespace)`);
  }
}

function planSecret(manifest: ParsedManifest, options: SealOptions): PlannedSecret {
  const where = describeObjectInFile(manifest.object, manifest.source);
  let secret;
  let annotatedScope: Scope;
  try {
    const allowEmpty = options.allowEmptyData === true || kubesealEnvFlag('allow-empty-data');
    secret = readSecret(manifest.object, manifest.source, { allowEmpty });
    annotatedScope = scopeOf(manifest.object, manifest.source);
  } catch (error) {
    throw wrapError('', error);
  }
  const { metadata } = secret;
  if (metadata.name === undefined) throw new CliError(`${where}: metadata.name is missing`);
  if (metadata.namespace !== undefined && options.namespace !== undefined && metadata.namespace !== options.namespace) {
    throw new CliError(
      `${where}: metadata.namespace "${metadata.namespace}" differs from --namespace "${options.namespace}"`,
    );
  }
  const namespace = metadata.namespace ?? options.namespace;
  const scope = options.scope ?? annotatedScope;
  return {
    where,
    name: metadata.name,
    namespace,
    scope,
    label: labelFor(where, scope, namespace, metadata.name),
    type: secret.type,
    immutable: secret.immutable,
    labels: metadata.labels,
    annotations: withoutScopeAnnotations(metadata.annotations),
    data: secret.data,
  };
}

function sealData(
  planned: Pick<PlannedSecret, 'where' | 'label' | 'data'>,
  cert: CertificateInfo,
  envelope: EnvelopeOption,
): Record<string, string> {
  const encryptedData: Record<string, string> = {};
  for (const [itemKey, plaintext] of planned.data) {
    try {
      encryptedData[itemKey] = sealValue({
        publicKey: cert.publicKey,
        scopeLabel: planned.label,
        itemKey,
        plaintext,
        envelope,
      });
    } catch (error) {
      throw wrapError(`${planned.where}: key "${itemKey}"`, error);
    } finally {
      plaintext.wipe();
    }
  }
  return encryptedData;
}

function buildOne(planned: PlannedSecret, cert: CertificateInfo, options: SealOptions): SealedSecret {
  const envelope = options.envelope ?? defaultEnvelope(options.apiVersion);
  const encryptedData = sealData(planned, cert, envelope);
  const scopeMarks = scopeAnnotations(planned.scope, options.apiVersion);
  try {
    return buildSealedSecret({
      apiVersion: options.apiVersion,
      metadata: {
        name: planned.name,
        namespace: planned.namespace,
        annotations: Object.keys(scopeMarks).length > 0 ? scopeMarks : undefined,
      },
      template: {
        type: planned.type,
        immutable: planned.immutable,
        labels: planned.labels,
        annotations: planned.annotations,
      },
      encryptedData,
    });
  } catch (error) {
    throw wrapError(planned.where, error);
  }
}

/** The certificate to seal to, named on stderr (fingerprint, source, cross-check) once the command succeeds. */
async function sealingCert(options: SealOptions, notice: Notice): Promise<CertificateInfo> {
  const cert = await loadSealingCert(options);
  notice(certLine('sealing to certificate', cert));
  return cert.info;
}

async function sealManifests(options: SealOptions, notice: Notice, progress: Progress): Promise<string> {
  const input = await readManifests(options.file);
  if (input.manifests.length === 0) throw new CliError(`${input.source}: no Secret found`);
  const planned = input.manifests.map((manifest) => planSecret(manifest, options));
  const cert = await sealingCert(options, notice);
  const sealed: SealedSecret[] = [];
  try {
    for (const p of planned) {
      sealed.push(buildOne(p, cert, options));
      progress.update(`sealed ${sealed.length}/${planned.length}`, sealed.length === planned.length);
    }
  } finally {
    progress.done();
  }
  const text = formatManifests(sealed, options.format);
  if (options.outputFile !== undefined) {
    await writeFileAtomic(options.outputFile, text, { mode: (await existingMode(options.outputFile)) ?? 0o644 });
    return '';
  }
  return text;
}

/** `--merge-into FILE`: seal one Secret's keys into an existing SealedSecret file, bound to that file's object. */
async function mergeInto(path: string, options: SealOptions, notice: Notice): Promise<string> {
  const input = await readManifests(options.file);
  const secrets = input.manifests;
  if (secrets.length !== 1) {
    throw new CliError(`${input.source}: --merge-into needs exactly one Secret, found ${secrets.length} objects`);
  }
  const [secretManifest] = secrets as [ParsedManifest];
  const target = await readManifestFile(path);
  const candidates = target.manifests.filter((m) => m.object.kind === 'SealedSecret');
  if (candidates.length !== 1) {
    throw new CliError(`${path}: --merge-into needs a file with exactly one SealedSecret, found ${candidates.length}`);
  }
  const [entry] = candidates as [ParsedManifest];
  const sealedTarget = readSealedTarget(entry.object, path);
  if (options.scope !== undefined && options.scope !== sealedTarget.scope) {
    throw new CliError(`${sealedTarget.where}: is ${sealedTarget.scope}, not ${options.scope} as --scope asks`);
  }
  const where = describeObjectInFile(secretManifest.object, secretManifest.source);
  let data;
  try {
    data = readSecret(secretManifest.object, secretManifest.source).data;
  } catch (error) {
    throw wrapError('', error);
  }
  const cert = await sealingCert(options, notice);
  const envelope = options.envelope ?? defaultEnvelope(sealedTarget.sealed.apiVersion);
  const updates = sealData({ where, label: sealedTarget.label, data }, cert, envelope);
  let text: string;
  try {
    text = replaceEncryptedData(target.text, entry.index, updates, [], { source: path, item: entry.item });
  } catch (error) {
    throw wrapError('', error);
  }
  await writeFileAtomic(path, text, { mode: (await existingMode(path)) ?? 0o644 });
  return '';
}

/** `--raw`: one sealed value, printed as a single line (v1 base64 or a v2 `gs2:` envelope). */
async function sealRaw(options: SealOptions, notice: Notice): Promise<string> {
  const scope = options.scope ?? Scope.Strict;
  if (scope === Scope.Strict && options.name === undefined) throw new CliError('--raw: strict scope needs --name');
  // The scope label is `namespace/name`: a "/" in either would seal for another object than the one named.
  if (options.name !== undefined && !isValidObjectName(options.name)) {
    throw usage(
      `--name ${JSON.stringify(options.name.slice(0, 80))}: not a valid object name (lowercase RFC 1123 subdomain)`,
    );
  }
  if (options.namespace !== undefined && !isValidNamespace(options.namespace)) {
    throw usage(
      `--namespace ${JSON.stringify(options.namespace.slice(0, 80))}: not a valid namespace (lowercase RFC 1123 label)`,
    );
  }
  const label = labelFor('--raw', scope, options.namespace, options.name);
  const envelope = options.envelope ?? defaultEnvelope(options.apiVersion);
  let itemKey = '';
  let bytes: Buffer;
  const fromFiles = parseFromFiles(options.fromFile ?? []);
  if (fromFiles.length > 1) throw usage('--raw seals one value: give one --from-file');
  const [fromFile] = fromFiles;
  if (fromFile !== undefined) {
    itemKey = fromFile.key;
    bytes = await readFileBytesCapped(fromFile.path);
  } else if (envelope === 'v2') {
    throw usage('--raw with a v2 envelope binds the item key: use --from-file KEY=PATH');
  } else {
    bytes = await readStdinBytesCapped();
  }
  try {
    const cert = await sealingCert(options, notice);
    return `${sealValue({ publicKey: cert.publicKey, scopeLabel: label, itemKey, plaintext: bytes, envelope })}\n`;
  } catch (error) {
    throw wrapError('--raw', error);
  } finally {
    bytes.fill(0);
  }
}

/** `gitseal seal`: Secrets in, SealedSecrets out (or one raw value, or keys merged into an existing file). */
export async function runSeal(
  options: SealOptions,
  notice: Notice = () => undefined,
  progress: Progress = progressOn(),
): Promise<string> {
  checkCombinations(options);
  if (options.raw) return sealRaw(options, notice);
  if (options.mergeInto !== undefined) return mergeInto(options.mergeInto, options, notice);
  return sealManifests(options, notice, progress);
}
