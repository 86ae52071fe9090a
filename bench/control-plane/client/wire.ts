/**
 * Just enough protobuf to read discovery responses without materialising their resources: the
 * envelope fields, and each resource's bytes as a view into the received buffer. The bench's
 * clients decode resource bodies only where the protocol needs them (cluster -> EDS name,
 * listener -> RDS names), so that 1,000 of them cost little next to the control plane they load.
 */

const WIRE_VARINT = 0;
const WIRE_64BIT = 1;
const WIRE_LENGTH = 2;
const WIRE_32BIT = 5;

/** A cursor over a protobuf message in `buf` from `pos` to `end`. */
export class WireReader {
  pos: number;
  readonly end: number;
  readonly buf: Buffer;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  varint(): number {
    let result = 0;
    let multiplier = 1;
    for (;;) {
      if (this.pos >= this.end) throw new Error('protobuf: truncated varint');
      const byte = this.buf[this.pos++]!;
      result += (byte & 0x7f) * multiplier;
      if (byte < 0x80) return result;
      multiplier *= 128;
    }
  }

  /** The next field's tag: field number and wire type. */
  tag(): { field: number; wire: number } {
    const tag = this.varint();
    return { field: Math.floor(tag / 8), wire: tag & 7 };
  }

  /** A length-delimited field's bytes (a view, not a copy). */
  bytes(): Buffer {
    const length = this.varint();
    const start = this.pos;
    this.pos += length;
    if (this.pos > this.end) throw new Error('protobuf: truncated field');
    return this.buf.subarray(start, this.pos);
  }

  string(): string {
    const length = this.varint();
    const start = this.pos;
    this.pos += length;
    if (this.pos > this.end) throw new Error('protobuf: truncated string');
    return this.buf.toString('utf8', start, this.pos);
  }

  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_64BIT) this.pos += 8;
    else if (wire === WIRE_LENGTH) {
      const length = this.varint();
      this.pos += length;
    } else if (wire === WIRE_32BIT) this.pos += 4;
    else throw new Error(`protobuf: unsupported wire type ${wire}`);
  }
}

/** A google.protobuf.Any: its type URL and the bytes of its message. */
export interface RawAny {
  readonly typeUrl: string;
  readonly value: Buffer;
}

/** envoy.service.discovery.v3.DiscoveryResponse, resources left encoded. */
export interface RawSotwResponse {
  readonly versionInfo: string;
  readonly typeUrl: string;
  readonly nonce: string;
  /** Each resource's encoded Any (views into `raw`); read with {@link decodeAny} when needed. */
  readonly resources: readonly Buffer[];
  /** The whole message as received. */
  readonly raw: Buffer;
}

/** envoy.service.discovery.v3.Resource of a delta response. */
export interface RawDeltaResource {
  readonly name: string;
  readonly version: string;
  readonly resource: RawAny | undefined;
}

export interface RawDeltaResponse {
  readonly systemVersionInfo: string;
  readonly typeUrl: string;
  readonly nonce: string;
  readonly resources: readonly RawDeltaResource[];
  readonly removedResources: readonly string[];
  readonly raw: Buffer;
}

export function decodeAny(bytes: Buffer): RawAny {
  const r = new WireReader(bytes);
  let typeUrl = '';
  let value: Buffer = Buffer.alloc(0);
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_LENGTH) typeUrl = r.string();
    else if (field === 2 && wire === WIRE_LENGTH) value = r.bytes();
    else r.skip(wire);
  }
  return { typeUrl, value };
}

export function decodeSotwResponse(raw: Buffer): RawSotwResponse {
  const r = new WireReader(raw);
  let versionInfo = '';
  let typeUrl = '';
  let nonce = '';
  const resources: Buffer[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (wire !== WIRE_LENGTH) r.skip(wire);
    else if (field === 1) versionInfo = r.string();
    else if (field === 2) resources.push(r.bytes());
    else if (field === 4) typeUrl = r.string();
    else if (field === 5) nonce = r.string();
    else r.skip(wire);
  }
  return { versionInfo, typeUrl, nonce, resources, raw };
}

function decodeDeltaResource(bytes: Buffer): RawDeltaResource {
  const r = new WireReader(bytes);
  let name = '';
  let version = '';
  let resource: RawAny | undefined;
  while (!r.done) {
    const { field, wire } = r.tag();
    if (wire !== WIRE_LENGTH) r.skip(wire);
    else if (field === 1) version = r.string();
    else if (field === 2) resource = decodeAny(r.bytes());
    else if (field === 3) name = r.string();
    else r.skip(wire);
  }
  return { name, version, resource };
}

export function decodeDeltaResponse(raw: Buffer): RawDeltaResponse {
  const r = new WireReader(raw);
  let systemVersionInfo = '';
  let typeUrl = '';
  let nonce = '';
  const resources: RawDeltaResource[] = [];
  const removedResources: string[] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (wire !== WIRE_LENGTH) r.skip(wire);
    else if (field === 1) systemVersionInfo = r.string();
    else if (field === 2) resources.push(decodeDeltaResource(r.bytes()));
    else if (field === 4) typeUrl = r.string();
    else if (field === 5) nonce = r.string();
    else if (field === 6) removedResources.push(r.string());
    else r.skip(wire);
  }
  return { systemVersionInfo, typeUrl, nonce, resources, removedResources, raw };
}

/**
 * The ClusterLoadAssignment name an encoded Cluster takes over EDS: `eds_cluster_config.service_name`,
 * else the cluster's name; undefined for a cluster that is not EDS (envoy.config.cluster.v3.Cluster:
 * name = 1, type = 2 with EDS = 3, eds_cluster_config = 3 { service_name = 2 }).
 */
export function edsNameOfCluster(cluster: Buffer): string | undefined {
  const r = new WireReader(cluster);
  let name = '';
  let type = 0;
  let serviceName = '';
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_LENGTH) name = r.string();
    else if (field === 2 && wire === WIRE_VARINT) type = r.varint();
    else if (field === 3 && wire === WIRE_LENGTH) {
      const inner = new WireReader(r.bytes());
      while (!inner.done) {
        const t = inner.tag();
        if (t.field === 2 && t.wire === WIRE_LENGTH) serviceName = inner.string();
        else inner.skip(t.wire);
      }
    } else r.skip(wire);
  }
  if (type !== 3) return undefined;
  return serviceName !== '' ? serviceName : name;
}

/** A state-of-the-world request without node or error (every request but a stream's first). */
export interface SotwRequest {
  readonly version_info?: string;
  readonly resource_names: readonly string[];
  readonly type_url: string;
  readonly response_nonce?: string;
}

const encodedNames = new WeakMap<readonly string[], Buffer>();

/**
 * Encodes a DiscoveryRequest as the generic serializer would (fields in number order), with the
 * `resource_names` field encoded once per names array: a client ACKing thousands of endpoint
 * names repeats the same list in every request.
 */
export function encodeSotwRequest(request: SotwRequest): Buffer {
  let names = encodedNames.get(request.resource_names);
  if (names === undefined) {
    names = Buffer.concat(request.resource_names.map((name) => stringField(3, name)));
    encodedNames.set(request.resource_names, names);
  }
  return Buffer.concat([
    stringField(1, request.version_info ?? ''),
    names,
    stringField(4, request.type_url),
    stringField(5, request.response_nonce ?? ''),
  ]);
}

function stringField(field: number, value: string): Buffer {
  if (value === '') return Buffer.alloc(0);
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([varint(field * 8 + WIRE_LENGTH), varint(bytes.length), bytes]);
}

function varint(value: number): Buffer {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return Buffer.from(out);
}
