import { ControllerError, ControllerErrorCode } from './controller-error.js';
import { execTemplate, WorkBudget, type ExecLimits } from './go-template-exec.js';
import { parseTemplate, TemplateError } from './go-template-parse.js';

/** Largest template source per item. */
export const MAX_TEMPLATE_LENGTH = 64 * 1024;
/** Per item: the output stays within a Secret's size, and a run within a bounded number of steps. */
export const TEMPLATE_LIMITS: ExecLimits = { maxOutput: 1024 * 1024, maxSteps: 10_000 };
/** Characters all function calls of one object's templates may take in together (well under a second). */
export const MAX_TEMPLATE_WORK = 16 * 1024 * 1024;

/**
 * Renders spec.template.data over the decrypted items (key → base64) and returns key → base64 for the Secret, as
 * Bitnami's controller does: each item is a Go text/template run over the map item name → plaintext, with Sprig's
 * functions (those gitseal supports, see sprig-functions.ts). Template items win over decrypted ones of the same
 * key. A template that does not parse or run is refused with a message naming the item and the function or
 * construct, never a value.
 */
export function renderTemplateData(
  object: string,
  templateData: Readonly<Record<string, string>> | undefined,
  decrypted: Readonly<Record<string, string>>,
  limits: ExecLimits = TEMPLATE_LIMITS,
): Record<string, string> {
  const out: Record<string, string> = { ...decrypted };
  const entries = Object.entries(templateData ?? {});
  if (entries.length === 0) return out;
  const data = new Map(Object.entries(decrypted).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  // One work budget for all items of the object: many items cannot multiply it.
  const work = new WorkBudget(MAX_TEMPLATE_WORK);
  for (const [key, template] of entries.sort(([a], [b]) => (a < b ? -1 : 1))) {
    try {
      if (template.length > MAX_TEMPLATE_LENGTH) {
        throw new TemplateError(`template longer than ${MAX_TEMPLATE_LENGTH} characters`);
      }
      const rendered = execTemplate(parseTemplate(template), data, limits, work);
      out[key] = Buffer.from(rendered, 'utf8').toString('base64');
    } catch (error) {
      // Only TemplateError messages are known to hold no data; anything else is reported without its text.
      const why = error instanceof TemplateError ? error.message : 'template failed';
      throw new ControllerError(
        ControllerErrorCode.InvalidSealedSecret,
        `SealedSecret ${object}: spec.template.data.${key}: ${why}`,
      );
    }
  }
  return out;
}
