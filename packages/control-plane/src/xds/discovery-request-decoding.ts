/**
 * DiscoveryRequests read without decoding their resource names until someone asks. A
 * state-of-the-world client repeats every name it subscribes to in every ACK (thousands of
 * endpoint names for a large mesh), and nearly always the same list: the connection compares the
 * list's bytes with those of the names it already holds and decodes them only when they differ.
 */
import type { DiscoveryRequest } from '@tandem/xds-proto';
import { lengthPrefix, readVarint, WIRE_LENGTH } from './protobuf-wire.ts';
import type { NameSet } from './selection.ts';

/** envoy.service.discovery.v3.DiscoveryRequest */
const VERSION_INFO = 1;
const RESOURCE_NAMES = 3;
const TYPE_URL = 4;
const RESPONSE_NONCE = 5;

/** The bytes of a request's `resource_names` entries, for requests read by {@link deserializeDiscoveryRequest}. */
const namesBytes = new WeakMap<object, Buffer>();

export function resourceNamesBytes(request: object): Buffer | undefined {
  return namesBytes.get(request);
}

/**
 * Wraps the generic DiscoveryRequest deserializer: a request holding only version, names, type URL
 * and nonce (with the names in one run) is read here, its `resource_names` decoded on first use;
 * anything else (a node, an error detail, other fields) goes to `deserialize`.
 */
export function deserializeDiscoveryRequest(
  deserialize: (bytes: Buffer) => unknown,
): (bytes: Buffer) => unknown {
  return (bytes) => readSimpleRequest(bytes) ?? deserialize(bytes);
}

function readSimpleRequest(bytes: Buffer): DiscoveryRequest | undefined {
  const fields = { version_info: '', type_url: '', response_nonce: '' };
  let namesStart = -1;
  let namesEnd = -1;
  let pos = 0;
  while (pos < bytes.length) {
    const [tag, afterTag] = readVarint(bytes, pos);
    const field = Math.floor(tag / 8);
    if ((tag & 7) !== WIRE_LENGTH) return undefined;
    const [length, start] = readVarint(bytes, afterTag);
    const end = start + length;
    if (!(end <= bytes.length)) return undefined;
    if (field === RESOURCE_NAMES) {
      if (namesStart === -1) namesStart = pos;
      else if (namesEnd !== pos) return undefined;
      namesEnd = end;
    } else if (field === VERSION_INFO) fields.version_info = bytes.toString('utf8', start, end);
    else if (field === TYPE_URL) fields.type_url = bytes.toString('utf8', start, end);
    else if (field === RESPONSE_NONCE) fields.response_nonce = bytes.toString('utf8', start, end);
    else return undefined;
    pos = end;
  }
  const names = namesStart === -1 ? Buffer.alloc(0) : bytes.subarray(namesStart, namesEnd);
  let decoded: string[] | undefined;
  const request = {
    ...fields,
    node: null,
    error_detail: null,
    resource_locators: [],
    get resource_names(): string[] {
      decoded ??= decodeNames(names);
      return decoded;
    },
  };
  namesBytes.set(request, names);
  return request as DiscoveryRequest;
}

function decodeNames(bytes: Buffer): string[] {
  const names: string[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const [, afterTag] = readVarint(bytes, pos);
    const [length, start] = readVarint(bytes, afterTag);
    names.push(bytes.toString('utf8', start, start + length));
    pos = start + length;
  }
  return names;
}

const encodedNameSets = new WeakMap<NameSet, Buffer>();

/** The names of a set, sorted, encoded as a request's `resource_names` entries (what a client sending them in order sends). */
export function encodedNames(set: NameSet): Buffer {
  let bytes = encodedNameSets.get(set);
  if (bytes === undefined) {
    const parts: Buffer[] = [];
    for (const name of set.sorted) {
      const value = Buffer.from(name, 'utf8');
      parts.push(lengthPrefix(RESOURCE_NAMES, value.length), value);
    }
    bytes = Buffer.concat(parts);
    encodedNameSets.set(set, bytes);
  }
  return bytes;
}
