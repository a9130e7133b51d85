import { ControllerError, ControllerErrorCode } from './controller-error.js';

// `{{ .key }}` or `{{ index . "key" }}`: the Go-template forms kubeseal users put in spec.template.data.
const PLACEHOLDER = /\{\{-?\s*(?:\.([A-Za-z0-9_]+)|index\s+\.\s+"([-._A-Za-z0-9]+)")\s*-?\}\}/g;

/**
 * Renders spec.template.data over the decrypted items (key → base64) and returns key → base64 for the Secret.
 * Supports plain strings and the `{{ .key }}` / `{{ index . "key" }}` placeholders; anything else in `{{ }}` is
 * refused (the error names the item, never a value). Template items win over decrypted ones of the same key.
 */
export function renderTemplateData(
  object: string,
  templateData: Readonly<Record<string, string>> | undefined,
  decrypted: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = { ...decrypted };
  for (const [key, template] of Object.entries(templateData ?? {})) {
    const rendered = template.replace(PLACEHOLDER, (_m, dotted: string | undefined, indexed: string | undefined) => {
      const name = dotted ?? indexed ?? '';
      const value = decrypted[name];
      if (value === undefined) {
        throw new ControllerError(
          ControllerErrorCode.InvalidSealedSecret,
          `SealedSecret ${object}: spec.template.data.${key} refers to "${name}", which is not in encryptedData`,
        );
      }
      return Buffer.from(value, 'base64').toString('utf8');
    });
    if (rendered.includes('{{')) {
      throw new ControllerError(
        ControllerErrorCode.InvalidSealedSecret,
        `SealedSecret ${object}: spec.template.data.${key} uses a template form gitseal does not support`,
      );
    }
    out[key] = Buffer.from(rendered, 'utf8').toString('base64');
  }
  return out;
}
