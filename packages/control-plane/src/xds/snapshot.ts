import { createHash } from 'node:crypto';
import { type AnyMessage, toAny } from '@tandem/xds-proto';
import type { ResourceCache } from './resource-cache.ts';
import { resourceNameOf } from './resource-types.ts';
import { XdsServerError, XdsServerErrorCode } from './xds-server-error.ts';

/** One resource of a snapshot: the proto3 JSON it was built from, its encoded Any and a content version. */
export interface SnapshotResource {
  readonly name: string;
  readonly json: unknown;
  readonly any: AnyMessage;
  /** Hash of the encoded bytes: equal content, equal version (what delta xDS compares). */
  readonly version: string;
}

/**
 * An immutable, versioned set of resources for one or more nodes, by type URL and name. Build it with
 * {@link buildSnapshot}; many nodes may share one snapshot object.
 */
export interface Snapshot {
  /** The version the caller gave (e.g. the push number); sent as delta `system_version_info`. */
  readonly version: string;
  readonly resources: ReadonlyMap<string, ReadonlyMap<string, SnapshotResource>>;
  /** Per type URL, a hash of every resource's name and version: unchanged content keeps its version. */
  readonly typeVersions: ReadonlyMap<string, string>;
}

const EMPTY: ReadonlyMap<string, SnapshotResource> = new Map();

/**
 * Encodes resources given in proto3 JSON into a snapshot. Names come from `name` (`cluster_name` for a
 * ClusterLoadAssignment). Consistency is checked when the snapshot is set in a cache. With a
 * {@link ResourceCache}, resources already encoded for an earlier snapshot are reused, not re-encoded;
 * with a `previous` snapshot, a type whose resources are all the very ones it holds keeps its
 * resource map and version (nothing is sorted or hashed again).
 *
 * @throws {XdsServerError} `TANDEM_ERR_XDS_SNAPSHOT_RESOURCE` when a resource has no name, a duplicate name,
 * or does not encode (the cause is the `XdsProtoError` with its field path).
 * @example
 * const snapshot = buildSnapshot('7', {
 *   [TypeUrls.cluster]: [{ name: 'echo', type: 'EDS', eds_cluster_config: { eds_config: { ads: {} } } }],
 *   [TypeUrls.clusterLoadAssignment]: [{ cluster_name: 'echo', endpoints: [] }],
 * });
 */
export function buildSnapshot(
  version: string,
  resources: Readonly<Record<string, readonly unknown[]>>,
  cache?: ResourceCache,
  previous?: Snapshot,
): Snapshot {
  const byType = new Map<string, ReadonlyMap<string, SnapshotResource>>();
  const typeVersions = new Map<string, string>();
  for (const [typeUrl, list] of Object.entries(resources)) {
    const byName = new Map<string, SnapshotResource>();
    for (const [index, json] of list.entries()) {
      const resource =
        cache === undefined
          ? buildResource(typeUrl, json, index)
          : cache.resource(typeUrl, json, () => buildResource(typeUrl, json, index));
      if (byName.has(resource.name)) {
        throw new XdsServerError(
          XdsServerErrorCode.invalidResource,
          `snapshot ${version}: two ${shortType(typeUrl)} resources are named "${resource.name}"`,
        );
      }
      byName.set(resource.name, resource);
    }
    const before = previous?.resources.get(typeUrl);
    const kept = before !== undefined && sameResources(before, byName);
    byType.set(typeUrl, kept ? before : byName);
    typeVersions.set(
      typeUrl,
      kept ? previous!.typeVersions.get(typeUrl)! : selectionVersion(byName.values()),
    );
  }
  return Object.freeze({ version, resources: byType, typeVersions });
}

function sameResources(
  a: ReadonlyMap<string, SnapshotResource>,
  b: ReadonlyMap<string, SnapshotResource>,
): boolean {
  if (a.size !== b.size) return false;
  for (const [name, resource] of b) if (a.get(name) !== resource) return false;
  return true;
}

function buildResource(typeUrl: string, json: unknown, index: number): SnapshotResource {
  const name = resourceNameOf(typeUrl, json);
  if (name === undefined) {
    throw new XdsServerError(
      XdsServerErrorCode.invalidResource,
      `${shortType(typeUrl)} resource #${index} has no name`,
    );
  }
  let any: AnyMessage;
  try {
    any = toAny(typeUrl, json);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new XdsServerError(
      XdsServerErrorCode.invalidResource,
      `${shortType(typeUrl)} "${name}": ${reason}`,
      {
        cause: error,
      },
    );
  }
  return Object.freeze({ name, json, any, version: hashHex(any.value) });
}

/** The resources of one type in a snapshot (empty when the type is absent). */
export function resourcesOf(snapshot: Snapshot, typeUrl: string): ReadonlyMap<string, SnapshotResource> {
  return snapshot.resources.get(typeUrl) ?? EMPTY;
}

/**
 * The version of a set of resources as one response carries it: a hash of their names and versions,
 * whatever their order. Each resource contributes a 128-bit hash of its name and version (computed
 * once per resource object, which snapshots share), added lane by lane modulo 2^32: a change of one
 * resource changes the version, and a set of thousands costs no sorting and no hashing of a long text.
 */
export function selectionVersion(resources: Iterable<SnapshotResource>): string {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  for (const resource of resources) {
    const lanes = contributionOf(resource);
    a = (a + lanes[0]!) >>> 0;
    b = (b + lanes[1]!) >>> 0;
    c = (c + lanes[2]!) >>> 0;
    d = (d + lanes[3]!) >>> 0;
  }
  return hex8(a) + hex8(b) + hex8(c) + hex8(d);
}

const contributions = new WeakMap<SnapshotResource, Uint32Array>();

function contributionOf(resource: SnapshotResource): Uint32Array {
  let lanes = contributions.get(resource);
  if (lanes === undefined) {
    const digest = createHash('sha256').update(`${resource.name}\0${resource.version}`).digest();
    lanes = Uint32Array.of(
      digest.readUInt32LE(0),
      digest.readUInt32LE(4),
      digest.readUInt32LE(8),
      digest.readUInt32LE(12),
    );
    contributions.set(resource, lanes);
  }
  return lanes;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function hashHex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/** Code-point order (stable across locales), used for every name list the server sends. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `Listener`, `Cluster`, ... for messages. */
export function shortType(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf('.') + 1);
}
