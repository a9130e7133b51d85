import {
  boolYaml11Tag,
  defineMappingTag,
  defineScalarTag,
  FAILSAFE_SCHEMA,
  mapTag,
  mergeTag,
  NOT_RESOLVED,
  nullYaml11Tag,
  Schema,
} from 'js-yaml';

// kubectl reads YAML through sigs.k8s.io/yaml (go-yaml v2, YAML 1.1). js-yaml's YAML11_SCHEMA differs from it in
// ways that change manifests: it reads `1:30` as 90 (sexagesimal) and timestamps as Dates, and leaves `1e3`
// and `0o17` as strings. This schema mirrors go-yaml's resolver instead.

const SPECIAL_FLOATS: ReadonlyMap<string, number> = new Map([
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, Infinity] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, -Infinity] as const),
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, NaN] as const),
]);

const GO_INT = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function parseGoInt(plain: string): number | undefined {
  const match = GO_INT.exec(plain);
  if (!match) return undefined;
  const sign = match[1] ?? '';
  const body = match[2] ?? '';
  let magnitude: bigint;
  if (/^0[oO]/.test(body)) magnitude = BigInt(`0o${body.slice(2)}`);
  else if (/^0[0-7]+$/.test(body)) magnitude = BigInt(`0o${body.slice(1)}`);
  else magnitude = BigInt(body);
  const value = sign === '-' ? -magnitude : magnitude;
  // ParseInt covers int64; ParseUint (no sign allowed) extends the positive side to uint64.
  const fits = value >= INT64_MIN && (value < 2n ** 63n || (sign === '' && value <= UINT64_MAX));
  return fits ? Number(value) : undefined;
}

/**
 * Resolves a plain scalar to a number the way go-yaml v2 does, or returns undefined when it stays a string.
 * Infinity/NaN come back as numbers; callers that need JSON reject them, as kubectl does.
 */
export function resolveGoYamlNumber(source: string): number | undefined {
  const special = SPECIAL_FLOATS.get(source);
  if (special !== undefined) return special;
  const first = source.charAt(0);
  if (first === '.') return DOT_FLOAT.test(source) ? Number.parseFloat(source) : undefined;
  if (!/^[-+0-9]$/.test(first)) return undefined;
  const plain = source.replaceAll('_', '');
  const int = parseGoInt(plain);
  if (int !== undefined) return int;
  if (!GO_FLOAT.test(plain)) return undefined;
  const float = Number.parseFloat(plain);
  // strconv.ParseFloat reports out-of-range as an error, so go-yaml keeps such a scalar as a string.
  return Number.isFinite(float) ? float : undefined;
}

function resolveNumberTag(source: string): number | typeof NOT_RESOLVED {
  return resolveGoYamlNumber(source) ?? NOT_RESOLVED;
}

const goIntTag = defineScalarTag('tag:yaml.org,2002:int', {
  implicit: true,
  implicitFirstChars: ['-', '+', '.', ...'0123456789'],
  resolve: resolveNumberTag,
  identify: () => false,
});

const goFloatTag = defineScalarTag('tag:yaml.org,2002:float', {
  resolve: resolveNumberTag,
  identify: () => false,
});

// go-yaml decodes !!binary and hands the bytes on as a string.
const goBinaryTag = defineScalarTag('tag:yaml.org,2002:binary', {
  resolve: (source) => {
    const compact = source.replace(/\s+/g, '');
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) return NOT_RESOLVED;
    return Buffer.from(compact, 'base64').toString('utf8');
  },
  identify: () => false,
});

// go-yaml reads `!!set {a, b}` as a mapping with null values.
const goSetTag = defineMappingTag('tag:yaml.org,2002:set', {
  create: mapTag.create,
  addPair: mapTag.addPair,
  has: mapTag.has,
  keys: mapTag.keys,
  get: mapTag.get,
  finalize: mapTag.finalize,
  identify: () => false,
});

/** YAML 1.1 as kubectl reads it: yes/on booleans, 0644 octal, `<<` merge keys, timestamps kept as strings. */
export const KUBE_YAML_SCHEMA = new Schema([
  ...FAILSAFE_SCHEMA.tags,
  nullYaml11Tag,
  boolYaml11Tag,
  goIntTag,
  goFloatTag,
  mergeTag,
  goBinaryTag,
  goSetTag,
]);
