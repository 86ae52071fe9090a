import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import protobuf from 'protobufjs';
import { protoIncludeDirs, XDS_PROTO_FILES } from './proto-files.ts';
import { messageNameOf } from './type-urls.ts';
import { XdsProtoError, XdsProtoErrorCode } from './xds-proto-error.ts';

let root: protobuf.Root | undefined;

/**
 * The protobufjs Root holding every type in {@link XDS_PROTO_FILES}, loaded once (synchronously, ~100 ms) on
 * first use. Field names keep their proto spelling (snake_case).
 */
export function getXdsRoot(): protobuf.Root {
  root ??= loadRoot();
  return root;
}

function loadRoot(): protobuf.Root {
  const includeDirs = protoIncludeDirs();
  const loaded = new protobuf.Root();
  loaded.resolvePath = (_origin, target) => resolveImport(includeDirs, target);
  try {
    loaded.loadSync([...XDS_PROTO_FILES], { keepCase: true });
    loaded.resolveAll();
  } catch (error) {
    throw new XdsProtoError(XdsProtoErrorCode.load, '', `cannot load the xDS protos: ${String(error)}`, {
      cause: error,
    });
  }
  return loaded;
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
