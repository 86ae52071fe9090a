import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigIssueCode } from '../issue-codes.ts';
import { issues, listener, routeConfig, staticCluster } from '../testing/raw-config.ts';
import { RESOURCE_TYPE_URLS, validateResource } from './validate-resource.ts';

describe('validateResource', () => {
  it('validates each resource type into its domain type', () => {
    const l = validateResource(RESOURCE_TYPE_URLS.listener, listener('web', 8080));
    assert.ok(l.ok);
    assert.equal(l.resource.name, 'web');
    const c = validateResource(RESOURCE_TYPE_URLS.cluster, staticCluster('api'));
    assert.ok(c.ok);
    assert.equal(c.resource.loadAssignment?.endpoints[0]?.lbEndpoints[0]?.address.portValue, 8080);
    const r = validateResource(RESOURCE_TYPE_URLS.routeConfiguration, routeConfig('api'));
    assert.ok(r.ok);
    assert.equal(r.resource.virtualHosts[0]?.routes[0]?.match.path.kind, 'prefix');
    const s = validateResource(RESOURCE_TYPE_URLS.secret, {
      name: 'ca',
      validation_context: { trusted_ca: { filename: '/etc/ca.pem' } },
    });
    assert.ok(s.ok);
    assert.equal(s.resource.kind, 'validationContext');
  });

  it('does not resolve names across resources (that is the xDS client’s job)', () => {
    const r = validateResource(RESOURCE_TYPE_URLS.routeConfiguration, routeConfig('not-known-here'));
    assert.ok(r.ok);
  });

  it('accepts a matching @type and rejects a different one', () => {
    const ok = validateResource(RESOURCE_TYPE_URLS.cluster, {
      '@type': RESOURCE_TYPE_URLS.cluster,
      ...staticCluster(),
    });
    assert.ok(ok.ok);
    const bad = validateResource(RESOURCE_TYPE_URLS.cluster, {
      '@type': RESOURCE_TYPE_URLS.listener,
      ...staticCluster(),
    });
    assert.ok(!bad.ok);
    assert.deepEqual(issues(bad.errors), [
      ['@type', `is "${RESOURCE_TYPE_URLS.listener}", but a ${RESOURCE_TYPE_URLS.cluster} was expected`],
    ]);
  });

  it('rejects an unknown resource type URL', () => {
    const result = validateResource('type.googleapis.com/envoy.config.core.v3.Node', {});
    assert.ok(!result.ok);
    assert.equal(result.errors[0]?.code, ConfigIssueCode.typeUrl);
  });

  it('requires cluster_name and IP endpoints in an EDS ClusterLoadAssignment', () => {
    const result = validateResource(RESOURCE_TYPE_URLS.clusterLoadAssignment, {
      endpoints: [
        {
          lb_endpoints: [
            { endpoint: { address: { socket_address: { address: 'db.local', port_value: 5432 } } } },
          ],
        },
      ],
    });
    assert.ok(!result.ok);
    assert.deepEqual(issues(result.errors), [
      ['cluster_name', 'missing required field "cluster_name"'],
      [
        'endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address',
        '"db.local" is not an IP address; EDS endpoints must be IP addresses',
      ],
    ]);
  });

  it('accepts an EDS cluster fed over ADS', () => {
    const result = validateResource(RESOURCE_TYPE_URLS.cluster, {
      name: 'reviews',
      type: 'EDS',
      eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' } },
    });
    assert.ok(result.ok);
    assert.equal(result.resource.edsServiceName, 'reviews');
  });
});
