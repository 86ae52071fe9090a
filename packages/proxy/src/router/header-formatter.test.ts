import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { HeaderMap } from '../http/header-map.ts';
import { compileHeaderValue, HeaderFormatter } from './header-formatter.ts';
import { RouteConfigError } from './route-config-error.ts';
import { connection, formatContext, requestHead, testPath } from './route-fixtures.ts';

function format(value: string, ctx = formatContext(requestHead()), response?: HeaderMap): string {
  const compiled = compileHeaderValue(value, testPath);
  return typeof compiled === 'string' ? compiled : compiled.format(ctx, response);
}

describe('compileHeaderValue', () => {
  it('keeps plain values as plain strings, unescaping %%', () => {
    assert.equal(compileHeaderValue('plain', testPath), 'plain');
    assert.equal(compileHeaderValue('100%% sure', testPath), '100% sure');
    assert.equal(compileHeaderValue('', testPath), '');
    assert.equal(compileHeaderValue(`%HOSTNAME%`, testPath), hostname());
  });

  it('compiles commands into a formatter', () => {
    assert.ok(compileHeaderValue('%PROTOCOL%', testPath) instanceof HeaderFormatter);
  });

  it('formats connection and request variables', () => {
    const ctx = {
      ...formatContext(requestHead({ protocol: 'HTTP/2' }), {
        upstreamHost: '10.1.1.1:9080',
        startTimeMs: Date.UTC(2024, 0, 2, 3, 4, 5, 6),
      }),
      connection: connection({
        remoteAddress: '::1',
        remotePort: 1234,
        localAddress: '10.0.0.2',
        localPort: 80,
        serverName: 'sni.test',
      }),
    };
    assert.equal(format('%DOWNSTREAM_REMOTE_ADDRESS%', ctx), '[::1]:1234');
    assert.equal(format('%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%', ctx), '::1');
    assert.equal(format('%DOWNSTREAM_REMOTE_PORT%', ctx), '1234');
    assert.equal(format('%DOWNSTREAM_LOCAL_ADDRESS%', ctx), '10.0.0.2:80');
    assert.equal(format('%DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT%', ctx), '10.0.0.2');
    assert.equal(format('%DOWNSTREAM_LOCAL_PORT%', ctx), '80');
    assert.equal(format('%REQUESTED_SERVER_NAME%', ctx), 'sni.test');
    assert.equal(format('%PROTOCOL%', ctx), 'HTTP/2');
    assert.equal(format('%UPSTREAM_HOST%', ctx), '10.1.1.1:9080');
    assert.equal(format('%START_TIME%', ctx), '2024-01-02T03:04:05.006Z');
    assert.equal(format('ip=%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%, 100%%', ctx), 'ip=::1, 100%');
  });

  it('formats REQ and RESP with alternatives and truncation', () => {
    const ctx = formatContext(requestHead({ path: '/p?x', headers: ['x-a', 'alpha', 'x-b', 'beta'] }));
    assert.equal(format('%REQ(X-A)%', ctx), 'alpha');
    assert.equal(format('%REQ(x-none?x-b)%', ctx), 'beta');
    assert.equal(format('%REQ(x-a):3%', ctx), 'alp');
    assert.equal(format('%REQ(:path)%', ctx), '/p?x');
    assert.equal(format('[%REQ(x-none)%]', ctx), '[]');
    assert.equal(format('%RESP(x-r)%', ctx, new HeaderMap(['x-r', 'resp'])), 'resp');
    assert.equal(format('%RESP(x-r)%', ctx), '');
  });

  it('rejects unknown and malformed commands with the field path', () => {
    for (const bad of ['%NOPE%', '50%', '%REQ()%', '%PROTOCOL(x)%', '%START_TIME(%s)%', '%lower%']) {
      assert.throws(
        () => compileHeaderValue(bad, testPath.at('value')),
        (e: unknown) => e instanceof RouteConfigError && e.path === 'value',
        bad,
      );
    }
  });
});
