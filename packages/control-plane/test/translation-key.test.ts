/**
 * The translation key and the memoized pieces of translation are sound: over a mesh that uses every
 * input translation reads (varied-mesh.ts), edited one input at a time, and proxies that differ in
 * every field,
 * - the proxy reduced to its translation inputs translates exactly like the proxy itself;
 * - proxies with equal keys get equal resources;
 * - a translation that reuses memoized pieces (from other proxies, from earlier snapshots) equals one
 *   computed from scratch.
 * A key or memo input that misses something translation reads fails here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IstioObject } from '@tandem/api/istio';
import { ConfigStore } from '../src/config/config-store.ts';
import { buildMeshSnapshot, type MeshSnapshot } from '../src/model/mesh-snapshot.ts';
import type { ProxyInfo } from '../src/proxy/proxy-info.ts';
import { servicesFromConfig } from '../src/registry/services-from-config.ts';
import { fromScratch } from '../src/translate/memo.ts';
import { translate } from '../src/translate/translate.ts';
import { translationInputs } from '../src/translate/translation-key.ts';
import type { XdsResources } from '../src/translate/xds-resources.ts';
import { baseState, type MeshState, objectsOf, steps, variedProxies } from './helpers/varied-mesh.ts';

function snapshotOf(state: MeshState, objects: readonly IstioObject[], version = '1'): MeshSnapshot {
  return buildMeshSnapshot(version, objects, servicesFromConfig(objects), state.meshConfig, {
    mtls: state.mtls,
    trustDomain: state.trustDomain,
    rootNamespace: state.rootNamespace,
    jwks: state.jwks,
  });
}

/** Every state: the base mesh, then each edit applied on top of the previous ones. */
function states(): [string, MeshState][] {
  const out: [string, MeshState][] = [['base', baseState()]];
  for (const [what, edit] of steps()) out.push([what, edit(out[out.length - 1]![1])]);
  return out;
}

/** The resources as comparable text (maps in name order; notes in order). */
function text(res: XdsResources): string {
  const sorted = (m: ReadonlyMap<string, unknown>) => [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return JSON.stringify({
    listeners: sorted(res.listeners),
    routes: sorted(res.routes),
    clusters: sorted(res.clusters),
    endpoints: sorted(res.endpoints),
    notes: res.notes,
  });
}

function describeProxy(p: ProxyInfo): string {
  return JSON.stringify({ ...p, metadata: Object.keys(p.metadata) });
}

const PROXIES = variedProxies();

describe('translation key', () => {
  it('covers every kind of proxy and lets replicas share', () => {
    const mesh = snapshotOf(baseState(), objectsOf(baseState()));
    const keys = new Map<string, number>();
    for (const p of PROXIES) {
      const { key } = translationInputs(mesh, p);
      keys.set(key, (keys.get(key) ?? 0) + 1);
    }
    for (const kind of ['sidecar', 'router', 'grpc'])
      assert.ok(
        PROXIES.some((p) => p.kind === kind),
        `the fixture has ${kind} proxies`,
      );
    // The fixture exercises what the key and the memos must cover (else the checks below prove little).
    const all = PROXIES.map((p) => text(translate(mesh, p))).join('\n');
    for (const feature of [
      'envoy.filters.http.rbac',
      'envoy.filters.network.rbac',
      'envoy.filters.http.jwt_authn',
      'envoy.filters.http.local_ratelimit',
      'x-patched',
      'access_log',
      'random_sampling',
      '"name":"mtls"',
      '"name":"0.0.0.0_18080_mtls"',
      'transport_socket_matches',
      'spiffe://cluster.local/ns/default/sa/web',
      '"priority":',
      'locality_weighted_lb_config',
      'BlackHoleCluster',
      'virtualInbound',
      'grpc/server?xds.resource.listening_address=10.0.0.2:80',
      '"name":"0.0.0.0_8080"',
      'canary',
      'http_proxy',
      '10.0.0.4_41000',
    ])
      assert.ok(all.includes(feature), `some proxy's resources have ${feature}`);
    const shared = [...keys.values()].filter((n) => n > 1).length;
    assert.ok(
      shared >= 10,
      `equal keys occur (${shared} keys are shared; ${keys.size} keys for ${PROXIES.length} proxies)`,
    );
  });

  for (const [what, state] of states()) {
    it(`is sound for the mesh after: ${what}`, () => {
      const mesh = snapshotOf(state, objectsOf(state));
      const byKey = new Map<string, { proxy: ProxyInfo; resources: string }>();
      for (const p of PROXIES) {
        const inputs = translationInputs(mesh, p);
        const own = text(translate(mesh, p));
        assert.equal(
          text(translate(mesh, inputs.proxy)),
          own,
          `the reduced proxy translates like ${describeProxy(p)}`,
        );
        const first = byKey.get(inputs.key);
        if (first === undefined) byKey.set(inputs.key, { proxy: p, resources: own });
        else
          assert.equal(
            own,
            first.resources,
            `equal keys, equal resources:\n${describeProxy(first.proxy)}\n${describeProxy(p)}`,
          );
      }
    });
  }
});

describe('memoized translation pieces', () => {
  it('give what a translation from scratch gives, for every proxy, across edits of every input', () => {
    const store = new ConfigStore();
    const proxies = PROXIES.filter((_, i) => i % 3 === 0);
    let version = 0;
    for (const [what, state] of states()) {
      // Through the store: objects that did not change keep their identity, so memoized pieces are reused.
      store.apply([{ file: 'mesh.yaml', parse: { objects: objectsOf(state), rejected: [], notices: [] } }]);
      const warm = snapshotOf(state, store.list(), String(++version));
      for (const p of proxies) {
        const memoized = text(translate(warm, p));
        const cold = text(fromScratch(() => translate(warm, p)));
        assert.equal(memoized, cold, `after "${what}": ${describeProxy(p)}`);
      }
    }
  });
});
