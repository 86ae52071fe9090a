import type { DiscoveryRequest, DiscoveryResponse } from '@tandem/xds-proto';
import { AdsConnection } from './ads-connection.ts';
import { emptyTypeRecord, type TypeRecord, type TypeStatus } from './connection-status.ts';
import { encodedNames, resourceNamesBytes } from './discovery-request-decoding.ts';
import { withEncodedResources } from './discovery-response-encoding.ts';
import { nackFrom } from './nack.ts';
import { inPushOrder, sendsChangesOnly, supportsLegacyWildcard, WILDCARD } from './resource-types.ts';
import { changedSince, type NameSet, NO_NAMES, type Selection, selectResources } from './selection.ts';
import { compare, type Snapshot } from './snapshot.ts';

/** A state-of-the-world subscription to one type on one stream. */
interface SotwType extends TypeRecord {
  readonly typeUrl: string;
  wildcard: boolean;
  names: NameSet;
  /** Explicit names were seen: from now on an empty list means "nothing", not the legacy wildcard. */
  explicit: boolean;
  /** The version the client holds (from its first request, or the last response we sent). */
  knownVersion: string | null;
  /** A response is owed whatever the versions say (first request, changed names). */
  owed: boolean;
  /** What the client holds once it applied our responses: the base of a changes-only push. */
  held: Selection | undefined;
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
      this.#staleNack(type, request);
      return;
    } else {
      this.#acknowledge(type, request);
    }
    if (this.#subscribe(type, request)) type.owed = true;
    this.#respond(type);
  }

  #newType(typeUrl: string): SotwType {
    const type: SotwType = {
      ...emptyTypeRecord(),
      typeUrl,
      wildcard: false,
      names: NO_NAMES,
      explicit: false,
      knownVersion: null,
      owed: true,
      held: undefined,
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
      // The client kept what it had before: the next push cannot be only the changes since then.
      type.held = undefined;
      return;
    }
    this.context.counters.acks++;
    this.context.observer?.onAck?.(type.typeUrl);
    type.lastAckedVersion = request.version_info;
    type.lastAckedAt = this.isoNow();
  }

  /**
   * A NACK of an earlier response, arriving after we sent a later one: for a changes-only type the
   * later response built on resources the client refused, so it is sent the whole selection now.
   */
  #staleNack(type: SotwType, request: DiscoveryRequest): void {
    if (type.held === undefined || !sendsChangesOnly(type.typeUrl)) return;
    if (nackFrom(request.error_detail, '', '', '') === null) return;
    type.held = undefined;
    type.owed = true;
    this.#respond(type);
  }

  /** Applies the request's names; says whether the subscription changed. */
  #subscribe(type: SotwType, request: DiscoveryRequest): boolean {
    // The common case, an ACK repeating the names (in order): compare bytes, decode nothing.
    const bytes = resourceNamesBytes(request);
    const held = type.names.sorted.length > 0 && !type.wildcard;
    if (held && bytes?.equals(encodedNames(type.names))) return false;
    const resourceNames = request.resource_names;
    if (held && sameList(resourceNames, type.names.sorted)) return false;
    const names = new Set(resourceNames.filter((name) => name !== WILDCARD));
    const legacy = names.size === 0 && !type.explicit && supportsLegacyWildcard(type.typeUrl);
    const wildcard = resourceNames.includes(WILDCARD) || legacy;
    if (names.size > 0) type.explicit = true;
    const changed = wildcard !== type.wildcard || !sameSet(names, type.names.names);
    type.wildcard = wildcard;
    if (changed) {
      const previous = type.names;
      type.names = this.context.nameSets.acquire(names);
      this.context.nameSets.release(previous);
    }
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

  /**
   * Sends the type's resources if a response is owed or what the client holds is out of date. A
   * push of a changes-only type (EDS) to a client that holds an earlier selection carries only the
   * resources that differ; its version is still that of the whole selection.
   */
  #respond(type: SotwType): void {
    if (this.snapshot === undefined) return;
    if (!type.wildcard && type.names.names.size === 0) {
      type.owed = false;
      return;
    }
    const selection = selectResources(this.snapshot, type.typeUrl, type.wildcard, type.names);
    const version = selection.version;
    if (!type.owed && version === type.knownVersion) return;
    if (type.owed && type.lastSentNonce === null && type.wildcard && version === type.knownVersion) {
      // The client kept this version across a reconnect: nothing to send, and it is in sync.
      type.owed = false;
      type.lastSentVersion = version;
      type.held = selection;
      return;
    }
    const changesOnly = !type.owed && type.held !== undefined && sendsChangesOnly(type.typeUrl);
    const payload = changesOnly ? changedSince(type.held!, selection) : selection;
    const nonce = this.context.nextNonce();
    this.send(
      withEncodedResources(
        {
          version_info: version,
          resources: payload.anys as DiscoveryResponse['resources'],
          type_url: type.typeUrl,
          nonce,
        },
        payload.encoded(),
      ),
    );
    Object.assign(type, {
      owed: false,
      knownVersion: version,
      held: selection,
      lastSentVersion: version,
      lastSentNonce: nonce,
      lastSentAt: this.isoNow(),
      lastSentResourceCount: payload.resources.length,
    });
  }

  override close(): void {
    if (!this.closed) for (const type of this.#types.values()) this.context.nameSets.release(type.names);
    super.close();
  }

  protected typeStatuses(): TypeStatus[] {
    return inPushOrder(this.#types.keys()).map((typeUrl) => {
      const type = this.#types.get(typeUrl)!;
      return {
        typeUrl,
        subscribed: [...type.names.names].sort(compare),
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

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const item of a) if (!b.has(item)) return false;
  return true;
}
