import type { DiscoveryRequest, DiscoveryResponse } from '@tandem/xds-proto';
import { AdsConnection } from './ads-connection.ts';
import { emptyTypeRecord, type TypeRecord, type TypeStatus } from './connection-status.ts';
import { nackFrom } from './nack.ts';
import { inPushOrder, supportsLegacyWildcard, WILDCARD } from './resource-types.ts';
import { compare, resourcesOf, type Snapshot, type SnapshotResource, selectionVersion } from './snapshot.ts';

/** A state-of-the-world subscription to one type on one stream. */
interface SotwType extends TypeRecord {
  readonly typeUrl: string;
  wildcard: boolean;
  names: ReadonlySet<string>;
  /** Explicit names were seen: from now on an empty list means "nothing", not the legacy wildcard. */
  explicit: boolean;
  /** The version the client holds (from its first request, or the last response we sent). */
  knownVersion: string | null;
  /** A response is owed whatever the versions say (first request, changed names). */
  owed: boolean;
}

/**
 * State-of-the-world ADS (StreamAggregatedResources). Every response for a type carries all resources the
 * client subscribes to; its `version_info` is a hash of exactly those resources, so a snapshot that does not
 * change what a client sees sends it nothing.
 */
export class SotwConnection extends AdsConnection<DiscoveryRequest, DiscoveryResponse> {
  readonly protocol = 'sotw';
  readonly #types = new Map<string, SotwType>();

  protected handle(request: DiscoveryRequest): void {
    const existing = this.#types.get(request.type_url);
    const type = existing ?? this.#newType(request.type_url);
    if (existing === undefined || type.lastSentNonce === null) {
      this.#first(type, request);
    } else if (request.response_nonce !== type.lastSentNonce) {
      this.context.counters.staleNonces++;
      return;
    } else {
      this.#acknowledge(type, request);
    }
    if (this.#subscribe(type, request.resource_names)) type.owed = true;
    this.#respond(type);
  }

  #newType(typeUrl: string): SotwType {
    const type: SotwType = {
      ...emptyTypeRecord(),
      typeUrl,
      wildcard: false,
      names: new Set(),
      explicit: false,
      knownVersion: null,
      owed: true,
    };
    this.#types.set(typeUrl, type);
    return type;
  }

  /** A first request on this stream: it may carry the version the client kept from an earlier stream. */
  #first(type: SotwType, request: DiscoveryRequest): void {
    type.owed = true;
    if (request.version_info !== '') {
      type.knownVersion = request.version_info;
      type.lastAckedVersion = request.version_info;
      type.lastAckedAt = this.isoNow();
    }
  }

  /** The request answers our latest response for its type: an ACK, or a NACK when it carries an error. */
  #acknowledge(type: SotwType, request: DiscoveryRequest): void {
    const nack = nackFrom(
      request.error_detail,
      type.lastSentVersion ?? '',
      type.lastSentNonce ?? '',
      this.isoNow(),
    );
    if (nack !== null) {
      this.context.counters.nacks++;
      this.context.observer?.onNack?.(type.typeUrl);
      type.lastNack = nack;
      return;
    }
    this.context.counters.acks++;
    this.context.observer?.onAck?.(type.typeUrl);
    type.lastAckedVersion = request.version_info;
    type.lastAckedAt = this.isoNow();
  }

  /** Applies the request's names; says whether the subscription changed. */
  #subscribe(type: SotwType, resourceNames: readonly string[]): boolean {
    const names = new Set(resourceNames.filter((name) => name !== WILDCARD));
    const legacy = names.size === 0 && !type.explicit && supportsLegacyWildcard(type.typeUrl);
    const wildcard = resourceNames.includes(WILDCARD) || legacy;
    if (names.size > 0) type.explicit = true;
    const changed = wildcard !== type.wildcard || !sameSet(names, type.names);
    type.wildcard = wildcard;
    type.names = names;
    return changed;
  }

  protected pushChanges(previous: Snapshot | undefined): void {
    const current = this.snapshot!;
    for (const typeUrl of inPushOrder(this.#types.keys())) {
      const type = this.#types.get(typeUrl)!;
      const unchanged = previous?.typeVersions.get(typeUrl) === current.typeVersions.get(typeUrl);
      if (previous !== undefined && unchanged && !type.owed) continue;
      this.#respond(type);
    }
  }

  /** Sends the type's resources if a response is owed or what the client holds is out of date. */
  #respond(type: SotwType): void {
    if (this.snapshot === undefined) return;
    if (!type.wildcard && type.names.size === 0) {
      type.owed = false;
      return;
    }
    const selected = this.#select(type, this.snapshot);
    const version = selectionVersion(selected);
    if (!type.owed && version === type.knownVersion) return;
    if (type.owed && type.lastSentNonce === null && type.wildcard && version === type.knownVersion) {
      // The client kept this version across a reconnect: nothing to send, and it is in sync.
      type.owed = false;
      type.lastSentVersion = version;
      return;
    }
    const nonce = this.context.nextNonce();
    this.send({
      version_info: version,
      resources: selected.map((resource) => resource.any),
      type_url: type.typeUrl,
      nonce,
    });
    Object.assign(type, {
      owed: false,
      knownVersion: version,
      lastSentVersion: version,
      lastSentNonce: nonce,
      lastSentAt: this.isoNow(),
      lastSentResourceCount: selected.length,
    });
  }

  #select(type: SotwType, snapshot: Snapshot): SnapshotResource[] {
    const all = resourcesOf(snapshot, type.typeUrl);
    if (type.wildcard) return [...all.values()].sort((a, b) => compare(a.name, b.name));
    return [...type.names].sort(compare).flatMap((name) => all.get(name) ?? []);
  }

  protected typeStatuses(): TypeStatus[] {
    return inPushOrder(this.#types.keys()).map((typeUrl) => {
      const type = this.#types.get(typeUrl)!;
      return {
        typeUrl,
        subscribed: [...type.names].sort(compare),
        wildcard: type.wildcard,
        lastSentVersion: type.lastSentVersion,
        lastSentNonce: type.lastSentNonce,
        lastSentAt: type.lastSentAt,
        lastSentResourceCount: type.lastSentResourceCount,
        lastAckedVersion: type.lastAckedVersion,
        lastAckedAt: type.lastAckedAt,
        lastNack: type.lastNack,
      };
    });
  }
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const item of a) if (!b.has(item)) return false;
  return true;
}
