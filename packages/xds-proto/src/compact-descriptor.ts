import protobuf from 'protobufjs';

/**
 * Field options that change how protobufjs encodes, decodes or names a field; every other option
 * (`(validate.rules)`, `(udpa.annotations...)`, `deprecated`, ...) is documentation for other tools.
 */
const WIRE_OPTIONS: ReadonlySet<string> = new Set([
  'json_name',
  'packed',
  'proto3_optional',
  'default',
  'features',
]);

/**
 * The part of a parsed protobufjs Root that encoding and decoding need, as a JSON descriptor for
 * `protobuf.Root.fromJSON`: the messages and enums `isWanted` accepts, every
 * message or enum their fields refer to (transitively), and the messages that enclose any of them.
 * Left out: services, options other than the wire-relevant ones, comments, reserved ranges, extension
 * fields, and the types only options refer to (protoc-gen-validate's rules, descriptor.proto, UDPA
 * annotations), which are most of what Envoy's files import. Field types are written fully qualified,
 * so the loaded root resolves each with one lookup from the root.
 *
 * The result shares no string with the parsed files (it went through JSON text), so the parsed Root
 * and the .proto sources it keeps alive can be collected.
 */
export function compactDescriptor(
  parsed: protobuf.Root,
  isWanted: (definition: protobuf.Type | protobuf.Enum) => boolean,
): protobuf.INamespace {
  const kept = new Set<protobuf.ReflectionObject>();
  const keep = (object: protobuf.ReflectionObject): void => {
    if (kept.has(object)) return;
    kept.add(object);
    if (object.parent instanceof protobuf.Type) keep(object.parent);
    if (!(object instanceof protobuf.Type)) return;
    for (const field of object.fieldsArray) {
      if (field.declaringField !== null) continue;
      field.resolve();
      if (field.resolvedType !== null) keep(field.resolvedType);
    }
  };
  forEachDefinition(parsed, (definition) => {
    if (isWanted(definition)) keep(definition);
  });
  const descriptor = namespaceJson(parsed, kept) ?? { nested: {} };
  return JSON.parse(JSON.stringify(descriptor)) as protobuf.INamespace;
}

/** Calls `visit` for every message and enum, nested ones included. */
function forEachDefinition(
  namespace: protobuf.NamespaceBase,
  visit: (object: protobuf.Type | protobuf.Enum) => void,
): void {
  for (const object of namespace.nestedArray) {
    if (object instanceof protobuf.Type || object instanceof protobuf.Enum) visit(object);
    if (object instanceof protobuf.Namespace) forEachDefinition(object, visit);
  }
}

function nestedJson(
  namespace: protobuf.NamespaceBase,
  kept: ReadonlySet<protobuf.ReflectionObject>,
): Record<string, protobuf.AnyNestedObject> | undefined {
  const nested: Record<string, protobuf.AnyNestedObject> = {};
  for (const object of namespace.nestedArray) {
    let json: protobuf.AnyNestedObject | undefined;
    if (object instanceof protobuf.Type) json = kept.has(object) ? typeJson(object, kept) : undefined;
    else if (object instanceof protobuf.Enum) json = kept.has(object) ? enumJson(object) : undefined;
    else if (object instanceof protobuf.Namespace) json = namespaceJson(object, kept);
    if (json !== undefined) nested[object.name] = json;
  }
  return Object.keys(nested).length > 0 ? nested : undefined;
}

/** A package: present only when something in it is kept. */
function namespaceJson(
  namespace: protobuf.NamespaceBase,
  kept: ReadonlySet<protobuf.ReflectionObject>,
): protobuf.INamespace | undefined {
  const nested = nestedJson(namespace, kept);
  return nested === undefined ? undefined : { nested };
}

function typeJson(type: protobuf.Type, kept: ReadonlySet<protobuf.ReflectionObject>): protobuf.IType {
  const fields: Record<string, protobuf.IField> = {};
  // An extension of this message declared elsewhere (its "sister" field) belongs to its declaring file.
  for (const field of type.fieldsArray)
    if (field.declaringField === null) fields[field.name] = fieldJson(field);
  const json: protobuf.IType & { edition?: string } = { fields };
  const edition = type.parent instanceof protobuf.Type ? undefined : editionOf(type);
  if (edition !== undefined) json.edition = edition;
  if (type.oneofsArray.length > 0) {
    json.oneofs = Object.fromEntries(type.oneofsArray.map((o) => [o.name, { oneof: [...o.oneof] }]));
  }
  const nested = nestedJson(type, kept);
  if (nested !== undefined) json.nested = nested;
  return json;
}

function fieldJson(field: protobuf.Field): protobuf.IField {
  const {
    options: _options,
    comment: _comment,
    ...wire
  } = field.toJSON() as protobuf.IField & {
    comment?: string;
  };
  const json: protobuf.IField & { keyType?: string } = { ...wire };
  if (field.resolvedType !== null) json.type = field.resolvedType.fullName;
  const options = wireOptions(field.options);
  if (options !== undefined) json.options = options;
  return json;
}

function enumJson(enumeration: protobuf.Enum): protobuf.IEnum {
  const json: protobuf.IEnum & { edition?: string } = { values: { ...enumeration.values } };
  const edition = enumeration.parent instanceof protobuf.Type ? undefined : editionOf(enumeration);
  if (edition !== undefined) json.edition = edition;
  return json;
}

function wireOptions(options: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (options === undefined) return undefined;
  const entries = Object.entries(options).filter(([name]) => WIRE_OPTIONS.has(name));
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/**
 * The edition protobufjs writes for a definition at the top of its file (none for proto3, the default of its
 * JSON form); nested definitions take their file's.
 */
function editionOf(object: protobuf.Type | protobuf.Enum): string | undefined {
  return (object.toJSON() as { edition?: string }).edition;
}
