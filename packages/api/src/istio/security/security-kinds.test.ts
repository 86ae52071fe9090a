import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorsOf, valid } from '../testing/raw-objects.ts';

const only = (errors: string[], pattern: RegExp) => {
  assert.equal(errors.length, 1, errors.join('\n'));
  assert.match(errors[0]!, pattern);
};
const rule = (source: Record<string, unknown>) => ({ rules: [{ from: [{ source }] }] });

describe('AuthorizationPolicy', () => {
  it('keeps action, provider, target refs and rules', () => {
    const o = valid('AuthorizationPolicy', {
      action: 'CUSTOM',
      provider: { name: 'ext-authz' },
      targetRefs: [{ kind: 'Service', name: 'httpbin' }],
      rules: [{ to: [{ operation: { paths: ['/admin/*'], ports: ['8080'] } }] }],
    });
    assert.equal(o.spec.action, 'CUSTOM');
    assert.deepEqual(o.spec.provider, { name: 'ext-authz' });
    assert.deepEqual(o.spec.targetRefs, [{ group: '', kind: 'Service', name: 'httpbin' }]);
    assert.equal(valid('AuthorizationPolicy', {}).spec.action, 'ALLOW');
  });

  it('checks actions and providers', () => {
    only(errorsOf('AuthorizationPolicy', { action: 'DENY' }), /DENY policy without rules never applies/);
    only(
      errorsOf('AuthorizationPolicy', { action: 'CUSTOM', rules: [{}] }),
      /CUSTOM policy needs provider\.name/,
    );
    only(
      errorsOf('AuthorizationPolicy', { action: 'ALLOW', provider: { name: 'x' }, rules: [{}] }),
      /provider is only allowed with the CUSTOM action/,
    );
    only(
      errorsOf('AuthorizationPolicy', {
        action: 'CUSTOM',
        provider: { name: 'x' },
        ...rule({ principals: ['a'] }),
      }),
      /principals cannot be used with the CUSTOM action/,
    );
    only(
      errorsOf('AuthorizationPolicy', {
        selector: { matchLabels: { app: 'a' } },
        targetRefs: [{ kind: 'Service', name: 's' }],
      }),
      /only one of selector, targetRef and targetRefs/,
    );
    only(
      errorsOf('AuthorizationPolicy', { targetRefs: [{ kind: 'Pod', name: 'p' }] }),
      /must name a Service, ServiceEntry or Gateway/,
    );
  });

  it('checks rules', () => {
    only(
      errorsOf('AuthorizationPolicy', rule({ ipBlocks: ['10.0.0.0/40'] })),
      /ipBlocks\[0\]: "10\.0\.0\.0\/40" is not a valid CIDR block/,
    );
    only(errorsOf('AuthorizationPolicy', rule({})), /a source must not be empty/);
    only(errorsOf('AuthorizationPolicy', rule({ namespaces: [''] })), /empty values are not allowed/);
    only(
      errorsOf('AuthorizationPolicy', { rules: [{ to: [{ operation: { ports: ['http'] } }] }] }),
      /"http" is not a port number/,
    );
    only(
      errorsOf('AuthorizationPolicy', { rules: [{ to: [{ operation: { paths: ['/{name}/{*}'] } }] }] }),
      /unsupported path template/,
    );
    only(
      errorsOf('AuthorizationPolicy', { rules: [{ when: [{ key: 'request.color', values: ['red'] }] }] }),
      /unknown attribute "request\.color"/,
    );
    only(
      errorsOf('AuthorizationPolicy', { rules: [{ when: [{ key: 'source.ip' }] }] }),
      /needs values or notValues/,
    );
    only(errorsOf('AuthorizationPolicy', { rules: [{ from: [] }] }), /"from" must not be empty when given/);
  });
});

describe('PeerAuthentication', () => {
  it('keeps modes, port-level modes by port number', () => {
    const o = valid('PeerAuthentication', {
      selector: { matchLabels: { app: 'a' } },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { 8080: { mode: 'DISABLE' } },
    });
    assert.deepEqual(o.spec.portLevelMtls, { '8080': { mode: 'DISABLE' } });
    assert.equal(o.spec.mtls?.mode, 'STRICT');
  });
});

describe('RequestAuthentication', () => {
  it('checks JWT rules', () => {
    assert.equal(
      valid('RequestAuthentication', { jwtRules: [{ issuer: 'a', jwks: '{"keys":[]}' }] }).spec.jwtRules
        .length,
      1,
    );
    only(
      errorsOf('RequestAuthentication', { jwtRules: [{ audiences: ['x'] }] }),
      /needs an issuer or a jwksUri/,
    );
    only(
      errorsOf('RequestAuthentication', { jwtRules: [{ jwksUri: 'ftp://keys/jwks.json' }] }),
      /jwksUri scheme "ftp" is not supported/,
    );
    only(
      errorsOf('RequestAuthentication', { jwtRules: [{ issuer: 'a', jwks: 'nope' }] }),
      /jwks is not valid JSON/,
    );
    only(errorsOf('RequestAuthentication', { jwtRules: [{ issuer: 'a', timeout: '0s' }] }), /at least 1ms/);
    only(
      errorsOf('RequestAuthentication', {
        jwtRules: [{ issuer: 'a', outputClaimToHeaders: [{ claim: 'sub', header: 'x y' }] }],
      }),
      /not a valid header name/,
    );
  });
});
