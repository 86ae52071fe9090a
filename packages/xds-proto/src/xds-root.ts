import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import protobuf from 'protobufjs';
import { compactDescriptor } from './compact-descriptor.ts';
import { protoIncludeDirs, XDS_PROTO_FILES } from './proto-files.ts';
import { messageNameOf } from './type-urls.ts';
import { XdsProtoError, XdsProtoErrorCode } from './xds-proto-error.ts';

let root: protobuf.Root | undefined;

/**
 * The protobufjs Root holding every message and enum declared in {@link XDS_PROTO_FILES} and the types their
 * fields use, loaded once (synchronously, ~150 ms) on first use. Field names keep their proto spelling
 * (snake_case). It is built from a compact descriptor of the parsed files (see compact-descriptor.ts): the
 * parse keeps the .proto sources, every option and the types only options use alive, about half of the
 * memory of a sidecar's protos.
 */
export function getXdsRoot(): protobuf.Root {
  root ??= loadRoot();
  return root;
}

function loadRoot(): protobuf.Root {
  const includeDirs = protoIncludeDirs();
  const parsed = new protobuf.Root();
  parsed.resolvePath = (_origin, target) => resolveImport(includeDirs, target);
  try {
    parsed.loadSync([...XDS_PROTO_FILES], { keepCase: true });
    parsed.resolveAll();
    const loaded = protobuf.Root.fromJSON(compactDescriptor(parsed, isWanted(parsed)));
    loaded.resolveAll();
    return loaded;
  } catch (error) {
    throw new XdsProtoError(XdsProtoErrorCode.load, '', `cannot load the xDS protos: ${String(error)}`, {
      cause: error,
    });
  }
}

/**
 * Whether a message or enum is one the xDS root should hold: everything defined in the loaded files
 * (a resource or extension may name any of them in an `Any`), except what is only there for options: the
 * files that extend descriptor.proto's options (protoc-gen-validate's rules, UDPA, xDS and Envoy
 * annotations) and descriptor.proto itself. The well-known types protobufjs bundles carry no file name;
 * those of the listed files count.
 */
function isWanted(parsed: protobuf.Root): (definition: protobuf.Type | protobuf.Enum) => boolean {
  const annotating = new Set<string>();
  forEachExtension(parsed, (field) => {
    if (field.filename) annotating.add(field.filename);
  });
  const bundled = new Set<string>();
  for (const file of XDS_PROTO_FILES) {
    const json = protobuf.common.get(file);
    if (json !== null) collectNames(json, '', bundled);
  }
  return (definition) => {
    const filename = definition.filename;
    if (filename === null || filename === undefined) return bundled.has(definition.fullName);
    return !annotating.has(filename) && !filename.endsWith('/google/protobuf/descriptor.proto');
  };
}

/** Calls `visit` for every extension field (`extend X { ... }`), wherever it is declared. */
function forEachExtension(namespace: protobuf.NamespaceBase, visit: (field: protobuf.Field) => void): void {
  for (const object of namespace.nestedArray) {
    if (object instanceof protobuf.Field && object.extend !== undefined) visit(object);
    if (object instanceof protobuf.Namespace) forEachExtension(object, visit);
  }
}

function collectNames(json: protobuf.INamespace, prefix: string, into: Set<string>): void {
  for (const [name, nested] of Object.entries(json.nested ?? {})) {
    const fullName = `${prefix}.${name}`;
    if ('fields' in nested || 'values' in nested) into.add(fullName);
    collectNames(nested as protobuf.INamespace, fullName, into);
  }
}

function resolveImport(includeDirs: readonly string[], target: string): string {
  if (isAbsolute(target)) return target;
  for (const dir of includeDirs) {
    const candidate = join(dir, target);
    if (existsSync(candidate)) return candidate;
  }
  return target;
}

const typeCache = new Map<string, protobuf.Type | null>();

/** The message type a type URL (or a full message name) names, or `undefined` when none is loaded. */
export function findMessageType(typeUrlOrName: string): protobuf.Type | undefined {
  const name = messageNameOf(typeUrlOrName);
  let type = typeCache.get(name);
  if (type === undefined) {
    const found = getXdsRoot().lookup(`.${name}`);
    type = found instanceof protobuf.Type ? found : null;
    typeCache.set(name, type);
  }
  return type ?? undefined;
}

/** Like {@link findMessageType}, but throws `TANDEM_ERR_XDS_PROTO_UNKNOWN_TYPE` (naming `path`) when unknown. */
export function requireMessageType(typeUrlOrName: string, path = ''): protobuf.Type {
  const type = findMessageType(typeUrlOrName);
  if (type === undefined) {
    throw new XdsProtoError(
      XdsProtoErrorCode.unknownType,
      path,
      `unknown type ${JSON.stringify(typeUrlOrName)}: no such message in the loaded xDS protos`,
    );
  }
  return type;
}
