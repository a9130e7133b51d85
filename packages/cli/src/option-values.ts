import type { OptionValues } from 'commander';

/**
 * Reads one option value as commander left it (after the option's own argParser) and checks its type. A value of
 * another type is a bug in the command's definition, never user input: commander and the argParsers check that.
 */
export type OptionField<T> = (value: unknown, key: string) => T;

function wrongType(key: string, expected: string): TypeError {
  return new TypeError(`option ${key}: expected ${expected}`);
}

/** An optional string option (`--file <file>`). */
export const text: OptionField<string | undefined> = (value, key) => {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw wrongType(key, 'a string');
  return value;
};

/** A string option that always has a value (required, or with a default). */
export const requiredText: OptionField<string> = (value, key) => {
  if (typeof value !== 'string') throw wrongType(key, 'a string');
  return value;
};

/** A boolean flag (`--force`): false when absent. */
export const flag: OptionField<boolean> = (value, key) => {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw wrongType(key, 'a boolean');
  return value;
};

/** A repeatable option collected into a list (`--file a --file b`). */
export const textList: OptionField<string[] | undefined> = (value, key) => {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw wrongType(key, 'a list of strings');
  return value as string[];
};

/** A number option that always has a value (its argParser made it one). */
export const integer: OptionField<number> = (value, key) => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw wrongType(key, 'an integer');
  return value;
};

/** An optional option whose argParser returns one of `values`. */
export function oneOf<T extends string>(values: readonly T[]): OptionField<T | undefined> {
  return (value, key) => {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) {
      throw wrongType(key, values.join('|'));
    }
    return value as T;
  };
}

/** The same field with a value when the option is absent. */
export function orElse<T>(field: OptionField<T | undefined>, fallback: T): OptionField<T> {
  return (value, key) => field(value, key) ?? fallback;
}

/** An optional option whose argParser returns a structured value, checked by `is`. */
export function shaped<T>(is: (value: unknown) => value is T, what: string): OptionField<T | undefined> {
  return (value, key) => {
    if (value === undefined) return undefined;
    if (!is(value)) throw wrongType(key, what);
    return value;
  };
}

export type OptionSchema = Readonly<Record<string, OptionField<unknown>>>;
export type OptionsOf<S extends OptionSchema> = { readonly [K in keyof S]: ReturnType<S[K]> };

/** A command's options, each read by its field: typed, and only the keys the schema names. */
export function readOptions<S extends OptionSchema>(values: OptionValues, schema: S): OptionsOf<S> {
  const options: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema)) options[key] = field(values[key], key);
  return options as OptionsOf<S>;
}

/** The options every command that talks to the API server shares (see kube-session.ts). */
export const CLUSTER_FIELDS = { namespace: text, kubeconfig: text, context: text } as const;

/** Where the sealing certificate comes from (see cert-source.ts). */
export const CERT_SOURCE_FIELDS = {
  cert: text,
  certFingerprint: text,
  insecureHttp: flag,
  controllerNamespace: text,
  controllerName: text,
  kubeconfig: text,
  context: text,
} as const;

/** The certificate options plus --controller-url (the commands that POST to the controller). */
export const CONTROLLER_FIELDS = { ...CERT_SOURCE_FIELDS, controllerUrl: text } as const;
