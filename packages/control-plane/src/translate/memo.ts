/**
 * Memoized pieces of translation. A piece (a cluster, an endpoint assignment, a virtual host) is
 * a pure function of a few mesh snapshot entries (a service, its DestinationRule, a
 * VirtualService, ...) and a few facts about the proxy. Entries keep their identity while their
 * config does not change (see `buildMeshSnapshot`, `servicesFromConfig`), so a piece is remembered
 * with its owning entry, under a key of the proxy facts, together with the identities of every
 * other entry it read; a later translation that finds the same identities gets the same object
 * back, which also lets snapshot building skip encoding it. Translation stays a pure function of
 * (snapshot, proxy): the memo only avoids recomputing what those inputs already determine.
 *
 * Pieces are frozen and shared: build a new object instead of changing one.
 */

interface Piece {
  readonly inputs: readonly unknown[];
  readonly value: unknown;
  /** Notes the build wrote, replayed on every use. */
  readonly notes: readonly string[];
}

const pieces = new WeakMap<object, Map<string, Piece>>();

/**
 * The piece `key` of `owner` built from `inputs` (compared by identity): remembered, or built by
 * `build` (which writes its notes to the array it is given) and remembered. Its notes are added to
 * `notes` either way.
 */
export function memoized<T>(
  owner: object,
  key: string,
  inputs: readonly unknown[],
  notes: string[],
  build: (notes: string[]) => T,
): T {
  let byKey = pieces.get(owner);
  if (byKey === undefined) pieces.set(owner, (byKey = new Map()));
  let piece = byKey.get(key);
  if (piece === undefined || !sameInputs(piece.inputs, inputs)) {
    const written: string[] = [];
    piece = { inputs, value: deepFreeze(build(written)), notes: written };
    byKey.set(key, piece);
  }
  for (const note of piece.notes) notes.push(note);
  return piece.value as T;
}

function sameInputs(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

/** A node of the token trie: one level per part, objects held weakly (they go with their snapshot). */
interface TokenNode {
  readonly objects: WeakMap<object, TokenNode>;
  readonly values: Map<unknown, TokenNode>;
  token: object | undefined;
}

const newNode = (): TokenNode => ({ objects: new WeakMap(), values: new Map(), token: undefined });
const tokenRoots = new Map<string, TokenNode>();

/**
 * A token standing for `parts` (objects compared by identity, other values by value) as one memo
 * input: the same token for the same parts, whichever snapshot they came from, and a new one when
 * any part differs. Lets a piece read many entries (every Sidecar, every PeerAuthentication) without
 * comparing them all for each piece.
 */
export function internedToken(name: string, parts: readonly unknown[]): object {
  let node = tokenRoots.get(name);
  if (node === undefined) tokenRoots.set(name, (node = newNode()));
  for (const part of parts) {
    const isObject = (typeof part === 'object' && part !== null) || typeof part === 'function';
    let child: TokenNode | undefined = isObject ? node.objects.get(part as object) : node.values.get(part);
    if (child === undefined) {
      child = newNode();
      if (isObject) node.objects.set(part as object, child);
      else node.values.set(part, child);
    }
    node = child;
  }
  node.token ??= Object.freeze({ name });
  return node.token;
}
