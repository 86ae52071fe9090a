import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigIssueCode } from '../issue-codes.ts';
import { anyOf, TypeRegistry } from './any.ts';
import { withDefault } from './fields.ts';
import { message } from './message.ts';
import { str } from './scalars.ts';
import { ValidationContext } from './validation-context.ts';

const registry = new TypeRegistry<{ kind: string; greeting: string }>('test filter');
registry.register(
  'type.googleapis.com/test.v3.Hello',
  message({
    name: 'test.v3.Hello',
    fields: { greeting: withDefault(str, 'hi') },
    build: (v) => ({ kind: 'hello', greeting: v.greeting }),
  }),
  { names: ['test.hello'], terminal: true },
);

function parse(raw: unknown) {
  const ctx = ValidationContext.root().field('typed_config');
  const value = anyOf(registry).parse(raw, ctx);
  return { value, errors: ctx.errors };
}

describe('anyOf', () => {
  it('dispatches on @type to the registered schema, ignoring the type URL host', () => {
    assert.deepEqual(parse({ '@type': 'type.googleapis.com/test.v3.Hello', greeting: 'yo' }).value?.value, {
      kind: 'hello',
      greeting: 'yo',
    });
    assert.equal(parse({ '@type': 'example.com/x/test.v3.Hello' }).value?.entry.terminal, true);
  });

  it('reports a missing or unknown type URL', () => {
    assert.deepEqual(parse({ greeting: 'x' }).errors, [
      {
        path: 'typed_config',
        message: 'missing "@type" (the type URL of the test filter config)',
        code: ConfigIssueCode.typeUrl,
      },
    ]);
    assert.deepEqual(parse({ '@type': 'type.googleapis.com/test.v3.Bye' }).errors, [
      {
        path: 'typed_config',
        message:
          'unknown test filter type URL "type.googleapis.com/test.v3.Bye"; Tandem supports type.googleapis.com/test.v3.Hello',
        code: ConfigIssueCode.typeUrl,
      },
    ]);
  });

  it('validates the fields of the dispatched message', () => {
    assert.deepEqual(
      parse({ '@type': 'type.googleapis.com/test.v3.Hello', greting: 'x' }).errors.map((e) => e.path),
      ['typed_config.greting'],
    );
  });

  it('finds entries by well-known name and refuses double registration', () => {
    assert.equal(registry.lookupByName('test.hello')?.typeUrl, 'type.googleapis.com/test.v3.Hello');
    assert.throws(() =>
      registry.register('type.googleapis.com/test.v3.Hello', registry.entries()[0]!.schema),
    );
  });
});
