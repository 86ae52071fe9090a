import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { compactDescriptor } from './compact-descriptor.ts';

const PROTO = `
syntax = "proto3";
package demo.v1;

message Rule { uint32 min_len = 1; }
message Unused { string note = 1; }

message Outer {
  message Inner { repeated uint32 ports = 1 [packed = false]; }
  Inner inner = 1;
}

message Listener {
  string name = 1 [json_name = "listenerName", deprecated = true];
  Outer.Inner inner = 2;
  map<string, Outer> outers = 3;
  oneof kind { string host = 4; uint32 port = 5; }
  optional bool enabled = 6;
  Mode mode = 7;
  reserved 9;
}

enum Mode { MODE_UNSPECIFIED = 0; FAST = 1; }

service Discovery { rpc Get(Listener) returns (Listener); }
`;

function compact(wanted: readonly string[]): protobuf.Root {
  const parsed = protobuf.parse(PROTO, { keepCase: true }).root;
  parsed.resolveAll();
  const names = new Set(wanted.map((name) => `.demo.v1.${name}`));
  const root = protobuf.Root.fromJSON(compactDescriptor(parsed, (d) => names.has(d.fullName)));
  root.resolveAll();
  return root;
}

describe('compactDescriptor', () => {
  it('keeps the wanted messages, what their fields use and the messages enclosing those', () => {
    const root = compact(['Listener']);
    for (const name of ['Listener', 'Outer', 'Outer.Inner', 'Mode'])
      assert.ok(root.lookup(`demo.v1.${name}`), `${name} is kept`);
    for (const name of ['Rule', 'Unused', 'Discovery'])
      assert.equal(root.lookup(`demo.v1.${name}`), null, `${name} is left out`);
  });

  it('writes field types fully qualified and keeps only the options that change the wire or JSON names', () => {
    const json = compactDescriptor(protobuf.parse(PROTO, { keepCase: true }).root, (d) =>
      d.fullName.endsWith('.Listener'),
    ) as { nested: Record<string, { nested: Record<string, { nested: Record<string, protobuf.IType> }> }> };
    const listener = json.nested['demo']!.nested['v1']!.nested['Listener']!;
    assert.equal(listener.fields['inner']!.type, '.demo.v1.Outer.Inner');
    assert.deepEqual(listener.fields['name']!.options, { json_name: 'listenerName' });
    assert.deepEqual(listener.fields['enabled']!.options, { proto3_optional: true });
    assert.equal((listener as { reserved?: unknown }).reserved, undefined);
  });

  it('encodes and decodes exactly as the parsed root does', () => {
    const parsed = protobuf.parse(PROTO, { keepCase: true }).root;
    parsed.resolveAll();
    const theirs = parsed.lookupType('demo.v1.Listener');
    const ours = compact(['Listener']).lookupType('demo.v1.Listener');
    const message = {
      name: 'web',
      inner: { ports: [80, 443] },
      outers: { a: { inner: { ports: [1] } } },
      port: 8080,
      enabled: false,
      mode: 1,
    };
    const bytes = theirs.encode(theirs.fromObject(message)).finish();
    assert.deepEqual(ours.encode(ours.fromObject(message)).finish(), bytes);
    const options = { longs: String, enums: String, defaults: true, oneofs: true };
    assert.deepEqual(
      ours.toObject(ours.decode(bytes), options),
      theirs.toObject(theirs.decode(bytes), options),
    );
  });
});
