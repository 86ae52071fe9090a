import type { DeltaDiscoveryRequest, DeltaDiscoveryResponse, DeltaResource } from '@tandem/xds-proto';
import { AdsConnection } from './ads-connection.ts';
import { emptyTypeRecord, type TypeRecord, type TypeStatus } from './connection-status.ts';
import { nackFrom } from './nack.ts';
import { inPushOrder, supportsLegacyWildcard, WILDCARD } from './resource-types.ts';
import { compare, resourcesOf, type Snapshot } from './snapshot.ts';

/** Marks a name the client was told does not exist (sent in `removed_resources`). */
const ABSENT = '';

/** An incremental subscription to one type on one stream. */
interface DeltaType extends TypeRecord {
  readonly typeUrl: string;
  wildcard: boolean;
  readonly names: Set<string>;
  /** What the client holds: resource name to version, or {@link ABSENT}. */
  readonly clientVersions: Map<string, string>;
}

/**
 * Incremental ADS (DeltaAggregatedResources). Tracks the version of every resource the client holds
 * (seeded from `initial_resource_versions` after a reconnect) and sends only what differs: changed or new
 * resources, and `removed_resources` for those gone or never present.
 */
export class DeltaConnection extends AdsConnection<DeltaDiscoveryRequest, DeltaDiscoveryResponse> {
  readonly protocol = 'delta';
  readonly #types = new Map<string, DeltaType>();

  protected handle(request: DeltaDiscoveryRequest): void {
    let type = this.#types.get(request.type_url);
    const isNew = type === undefined;
    if (type === undefined) {
      type = this.#newType(request);
    } else if (request.response_nonce !== '') {
      this.#acknowledge(type, request);
    }
    this.#subscribe(type, request);
    // A bare ACK or NACK changes nothing the client should get: snapshot changes are pushed as they
    // come, so only a new type or a change of subscriptions can owe the client something.
    const subscriptionsChanged =
      request.resource_names_subscribe.length > 0 || request.resource_names_unsubscribe.length > 0;
    if (isNew || subscriptionsChanged) this.#respond(type);
  }

  #newType(request: DeltaDiscoveryRequest): DeltaType {
    const type: DeltaType = {
      ...emptyTypeRecord(),
      typeUrl: request.type_url,
      wildcard: request.resource_names_subscribe.length === 0 && supportsLegacyWildcard(request.type_url),
      names: new Set(),
      clientVersions: new Map(Object.entries(request.initial_resource_versions ?? {})),
    };
    this.#types.set(type.typeUrl, type);
    return type;
  }

  /** ACK or NACK of our latest response; an older nonce only counts as stale (its subscriptions still apply). */
  #acknowledge(type: DeltaType, request: DeltaDiscoveryRequest): void {
    if (request.response_nonce !== type.lastSentNonce) {
      this.context.counters.staleNonces++;
      return;
    }
    const nack = nackFrom(
      request.error_detail,
      type.lastSentVersion ?? '',
      request.response_nonce,
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
    type.lastAckedVersion = type.lastSentVersion;
    type.lastAckedAt = this.isoNow();
  }

  #subscribe(type: DeltaType, request: DeltaDiscoveryRequest): void {
    for (const name of request.resource_names_subscribe) {
      if (name === WILDCARD) type.wildcard = true;
      else type.names.add(name);
    }
    for (const name of request.resource_names_unsubscribe) {
      if (name === WILDCARD) {
        type.wildcard = false;
        continue;
      }
      type.names.delete(name);
      if (!type.wildcard) type.clientVersions.delete(name);
    }
  }

  protected pushChanges(previous: Snapshot | undefined): void {
    const current = this.snapshot!;
    for (const typeUrl of inPushOrder(this.#types.keys())) {
      const unchanged = previous?.typeVersions.get(typeUrl) === current.typeVersions.get(typeUrl);
      if (previous === undefined || !unchanged) this.#respond(this.#types.get(typeUrl)!);
    }
  }

  /** Sends what the client lacks or holds in another version, and what it holds that is gone. */
  #respond(type: DeltaType): void {
    if (this.snapshot === undefined) return;
    const available = resourcesOf(this.snapshot, type.typeUrl);
    const resources: DeltaResource[] = [];
    const removed: string[] = [];
    for (const name of this.#scope(type, available.keys())) {
      const resource = available.get(name);
      const held = type.clientVersions.get(name);
      if (resource !== undefined) {
        if (held === resource.version) continue;
        resources.push({ name, version: resource.version, resource: resource.any });
        type.clientVersions.set(name, resource.version);
      } else if (held !== ABSENT && (held !== undefined || type.names.has(name))) {
        removed.push(name);
        if (type.names.has(name)) type.clientVersions.set(name, ABSENT);
        else type.clientVersions.delete(name);
      }
    }
    if (resources.length === 0 && removed.length === 0) return;
    const nonce = this.context.nextNonce();
    this.send({
      system_version_info: this.snapshot.version,
      resources,
      type_url: type.typeUrl,
      removed_resources: removed,
      nonce,
    });
    type.lastSentVersion = this.snapshot.version;
    type.lastSentNonce = nonce;
    type.lastSentAt = this.isoNow();
    type.lastSentResourceCount = resources.length;
  }

  /** Names to compare: the subscribed ones, plus (for a wildcard) everything available or held. */
  #scope(type: DeltaType, available: Iterable<string>): string[] {
    const names = new Set(type.names);
    if (type.wildcard) {
      for (const name of type.clientVersions.keys()) names.add(name);
      for (const name of available) names.add(name);
    }
    return [...names].sort(compare);
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
