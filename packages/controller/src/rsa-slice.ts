import { CryptoErrorCode, inspectSealedValue, sealValue, type PrivateKeyRing } from '@gitseal/crypto';
import {
  resealSealedSecret,
  unsealSealedSecret,
  type ResealOutcome,
  type ResealRequest,
  type UnsealOutcome,
  type UnsealRequest,
} from './unseal-sealed-secret.js';

/**
 * What is left of a request after one slice: the items not done yet (in the order unsealSealedSecret takes them)
 * and the key to try first for the next one (the one that opened the last item, as within one call).
 */
export interface SliceRest {
  readonly items: readonly string[];
  readonly preferKeyId: string | undefined;
}

export interface Sliced<Outcome> {
  /** The outcome of the items done in this slice; a failure ends the request. */
  readonly outcome: Outcome;
  /** Set when items remain: post them again as a new slice. */
  readonly rest?: SliceRest;
}

type UnsealOk = Extract<UnsealOutcome, { ok: true }>;
type ResealOk = Extract<ResealOutcome, { ok: true }>;
type Failure = Extract<UnsealOutcome, { ok: false }>;

/** One item's result: the outcome and, when it opened, the key that did. */
interface ItemResult<Ok> {
  readonly outcome: Ok | Failure;
  readonly openedWith?: string;
}

function single(request: UnsealRequest, item: string, prefer: string | undefined): UnsealRequest {
  return {
    object: request.object,
    scopeLabel: request.scopeLabel,
    encryptedData: { [item]: request.encryptedData[item] ?? '' },
    ...(prefer === undefined ? {} : { preferKeyId: prefer }),
  };
}

/**
 * Opens the request's items one at a time, in unsealSealedSecret's order, until the RSA operations spent reach
 * `maxRsaOperations`: so one slice holds a worker for a bounded time, at most `maxRsaOperations - 1` operations
 * plus one item's worth (one for v2, one per held key for v1). The outcome equals one call over the same items.
 */
function slice<Ok extends { readonly ok: true; readonly rsaOperations: number }>(
  request: UnsealRequest,
  maxRsaOperations: number,
  openItem: (request: UnsealRequest) => ItemResult<Ok>,
  merge: (into: Ok | undefined, item: Ok, rsaOperations: number) => Ok,
): Sliced<Ok | Failure> {
  const items = Object.keys(request.encryptedData).sort();
  let done: Ok | undefined;
  let prefer = request.preferKeyId;
  let spent = 0;
  for (let i = 0; i < items.length; i++) {
    const { outcome, openedWith } = openItem(single(request, items[i] ?? '', prefer));
    spent += outcome.rsaOperations;
    if (!outcome.ok) return { outcome: { ...outcome, rsaOperations: spent } };
    done = merge(done, outcome as Ok, spent);
    prefer = openedWith ?? prefer;
    if (spent >= maxRsaOperations && i < items.length - 1) {
      return { outcome: done, rest: { items: items.slice(i + 1), preferKeyId: prefer } };
    }
  }
  // No items: one call gives the usual refusal.
  return { outcome: done ?? (openItem(request).outcome as Ok | Failure) };
}

/** unsealSealedSecret, at most about `maxRsaOperations` at a time (see `slice`); without a budget, one call. */
export function unsealSlice(
  ring: PrivateKeyRing,
  request: UnsealRequest,
  maxRsaOperations?: number,
): Sliced<UnsealOutcome> {
  if (maxRsaOperations === undefined) return { outcome: unsealSealedSecret(ring, request) };
  return slice<UnsealOk>(
    request,
    maxRsaOperations,
    (r) => {
      const outcome = unsealSealedSecret(ring, r);
      // One item: its only key id is the one that opened it.
      return outcome.ok && outcome.keyIds[0] ? { outcome, openedWith: outcome.keyIds[0] } : { outcome };
    },
    (into, item, rsaOperations) => ({
      ok: true,
      data: { ...into?.data, ...item.data },
      keyIds: [...new Set([...(into?.keyIds ?? []), ...item.keyIds])].sort(),
      rsaOperations,
    }),
  );
}

/**
 * resealSealedSecret for one item, also naming the key that opened it (a reseal outcome does not), so the next
 * item tries that key first. The sealing is resealSealedSecret's: same key, label and envelope; plaintext zeroed.
 */
function resealItem(ring: PrivateKeyRing, request: ResealRequest): ItemResult<ResealOk> {
  const opened = unsealSealedSecret(ring, request);
  if (!opened.ok) return { outcome: opened };
  const sealing = ring.get(request.sealingKeyId);
  if (!sealing) {
    const cause = 'sealing key is not held';
    return {
      outcome: {
        ok: false,
        code: CryptoErrorCode.UnknownKey,
        message: `SealedSecret ${request.object}: ${cause}`,
        cause,
        rsaOperations: opened.rsaOperations,
      },
    };
  }
  const encryptedData: Record<string, string> = {};
  for (const [itemKey, value] of Object.entries(request.encryptedData)) {
    const plaintext = Buffer.from(opened.data[itemKey] ?? '', 'base64');
    const { envelope } = inspectSealedValue(value);
    const { publicKey } = sealing;
    encryptedData[itemKey] = sealValue({ publicKey, scopeLabel: request.scopeLabel, itemKey, plaintext, envelope });
    plaintext.fill(0);
  }
  const outcome: ResealOk = { ok: true, encryptedData, rsaOperations: opened.rsaOperations };
  return opened.keyIds[0] ? { outcome, openedWith: opened.keyIds[0] } : { outcome };
}

/** resealSealedSecret, at most about `maxRsaOperations` at a time (see `slice`). No plaintext leaves it. */
export function resealSlice(
  ring: PrivateKeyRing,
  request: ResealRequest,
  maxRsaOperations?: number,
): Sliced<ResealOutcome> {
  if (maxRsaOperations === undefined) return { outcome: resealSealedSecret(ring, request) };
  return slice<ResealOk>(
    request,
    maxRsaOperations,
    (r) => resealItem(ring, { ...r, sealingKeyId: request.sealingKeyId }),
    (into, item, rsaOperations) => ({
      ok: true,
      encryptedData: { ...into?.encryptedData, ...item.encryptedData },
      rsaOperations,
    }),
  );
}

/** Adds one slice's outcome to what the earlier slices of the same request gave. */
export function mergeUnseal(earlier: UnsealOk | undefined, next: UnsealOutcome): UnsealOutcome {
  if (!earlier) return next;
  if (!next.ok) return { ...next, rsaOperations: earlier.rsaOperations + next.rsaOperations };
  return {
    ok: true,
    data: { ...earlier.data, ...next.data },
    keyIds: [...new Set([...earlier.keyIds, ...next.keyIds])].sort(),
    rsaOperations: earlier.rsaOperations + next.rsaOperations,
  };
}

/** Adds one reseal slice's outcome to what the earlier slices gave. */
export function mergeReseal(earlier: ResealOk | undefined, next: ResealOutcome): ResealOutcome {
  if (!earlier) return next;
  if (!next.ok) return { ...next, rsaOperations: earlier.rsaOperations + next.rsaOperations };
  return {
    ok: true,
    encryptedData: { ...earlier.encryptedData, ...next.encryptedData },
    rsaOperations: earlier.rsaOperations + next.rsaOperations,
  };
}
