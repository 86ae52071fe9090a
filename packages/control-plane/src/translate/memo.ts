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

/** A node of the interning trie: one level per part, objects held weakly (they go with their snapshot). */
interface TrieNode {
  readonly objects: WeakMap<object, TrieNode>;
  readonly values: Map<unknown, TrieNode>;
  token: object | undefined;
  value: unknown;
}

interface FacetRecord {
  readonly facet: object;
  readonly fields: string;
}

/** Everything remembered; {@link fromScratch} runs with empty tables. */
interface Tables {
  readonly pieces: WeakMap<object, Map<string, Piece>>;
  readonly tries: Map<string, TrieNode>;
  /** The latest facet per kind and key, held while the facet is (see {@link stableFacet}). */
  readonly facets: Map<string, WeakRef<FacetRecord>>;
  readonly facetRecords: WeakMap<object, FacetRecord>;
  /** Values derived from one object (see {@link perObject}). */
  readonly derived: WeakMap<object, Map<string, unknown>>;
}

const newTables = (): Tables => ({
  pieces: new WeakMap(),
  tries: new Map(),
  facets: new Map(),
  facetRecords: new WeakMap(),
  derived: new WeakMap(),
});

let tables = newTables();

/**
 * Runs `fn` with nothing memoized (and forgets what it memoized): a translation from scratch, which
 * tests compare memoized translations with.
 */
export function fromScratch<T>(fn: () => T): T {
  const saved = tables;
  tables = newTables();
  try {
    return fn();
  } finally {
    tables = saved;
  }
}

/** The value `build` derives from `owner` (a pure function of it), computed once per owner. */
export function perObject<T>(owner: object, name: string, build: () => T): T {
  let byName = tables.derived.get(owner);
  if (byName === undefined) tables.derived.set(owner, (byName = new Map()));
  if (!byName.has(name)) byName.set(name, build());
  return byName.get(name) as T;
}

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
  let byKey = tables.pieces.get(owner);
  if (byKey === undefined) tables.pieces.set(owner, (byKey = new Map()));
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

/** Freezes `value` and everything it holds. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

const newNode = (): TrieNode => ({
  objects: new WeakMap(),
  values: new Map(),
  token: undefined,
  value: undefined,
});

/** The node for `parts` (objects by identity, other values by value) under `name`. */
function nodeOf(name: string, parts: readonly unknown[]): TrieNode {
  let node = tables.tries.get(name);
  if (node === undefined) tables.tries.set(name, (node = newNode()));
  for (const part of parts) {
    const isObject = (typeof part === 'object' && part !== null) || typeof part === 'function';
    let child: TrieNode | undefined = isObject ? node.objects.get(part as object) : node.values.get(part);
    if (child === undefined) {
      child = newNode();
      if (isObject) node.objects.set(part as object, child);
      else node.values.set(part, child);
    }
    node = child;
  }
  return node;
}

/**
 * A token standing for `parts` (objects compared by identity, other values by value) as one memo
 * input: the same token for the same parts, whichever snapshot they came from, and a new one when
 * any part differs. Lets a piece read many entries (every Sidecar, every PeerAuthentication) without
 * comparing them all for each piece.
 */
export function internedToken(name: string, parts: readonly unknown[]): object {
  const node = nodeOf(name, parts);
  node.token ??= Object.freeze({ name });
  return node.token;
}

/**
 * The value `build` makes of `parts` (a pure function of them), built once for the same parts and
 * then shared, frozen: e.g. a route configuration of memoized virtual hosts, which then keeps its
 * identity (and its encoding) while they do.
 */
export function internedValue<T>(name: string, parts: readonly unknown[], build: () => T): T {
  const node = nodeOf(name, parts);
  if (node.value === undefined) node.value = deepFreeze(build());
  return node.value as T;
}

/**
 * The facet `build` makes (a pure function of `fields`, the serialized fields it copies) for the
 * thing `kind` `key` (e.g. a service by hostname): the same frozen object as last time while the
 * fields are equal, so that pieces memoized on the facet survive changes to everything else of the
 * thing. Kept only while something holds the facet.
 */
export function stableFacet<T extends object>(kind: string, key: string, fields: string, build: () => T): T {
  const name = `${kind}\n${key}`;
  let record = tables.facets.get(name)?.deref();
  if (record?.fields !== fields) {
    record = { facet: deepFreeze(build()), fields };
    tables.facets.set(name, new WeakRef(record));
    tables.facetRecords.set(record.facet, record);
  }
  return record.facet as T;
}
