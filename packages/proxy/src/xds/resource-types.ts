/**
 * The xDS resource types the client subscribes to over ADS, in Envoy's order (CDS -> EDS,
 * LDS -> RDS, and SDS for the secrets clusters and listeners name), with what differs between them: how a resource is named, whether a
 * state-of-the-world response is the complete set (LDS, CDS: a resource left out is removed) or
 * only the requested names (RDS, EDS), where its stats live, and which apply call takes it.
 */
import type { Cluster, ClusterLoadAssignment, Listener, RouteConfiguration, Secret } from '@tandem/api/envoy';
import { RESOURCE_TYPE_URLS } from '@tandem/api/envoy';
import type { ApplyOptions, ApplyResult } from '../config/apply-result.ts';
import type { XdsTarget } from './xds-target.ts';

export type XdsKind = 'sds' | 'cds' | 'eds' | 'lds' | 'rds';

export interface XdsResourceType {
  readonly kind: XdsKind;
  readonly typeUrl: string;
  /** For messages: `listener "web"`. */
  readonly what: string;
  /** A response carries every resource of the type; left-out names are removed. */
  readonly completeSet: boolean;
  /** Envoy's stats prefix for the subscription, e.g. `listener_manager.lds.`. */
  readonly statPrefix: string;
  nameOf(resource: unknown): string;
  apply(target: XdsTarget, resources: unknown[], options: ApplyOptions): Promise<ApplyResult> | ApplyResult;
}

const named = (r: unknown): string => (r as { name: string }).name;

export const XDS_TYPES: Readonly<Record<XdsKind, XdsResourceType>> = {
  sds: {
    kind: 'sds',
    typeUrl: RESOURCE_TYPE_URLS.secret,
    what: 'secret',
    completeSet: false,
    statPrefix: 'sds.',
    nameOf: named,
    apply: (t, r, o) => t.applySecrets(r as Secret[], o),
  },
  cds: {
    kind: 'cds',
    typeUrl: RESOURCE_TYPE_URLS.cluster,
    what: 'cluster',
    completeSet: true,
    statPrefix: 'cluster_manager.cds.',
    nameOf: named,
    apply: (t, r, o) => t.applyClusters(r as Cluster[], o),
  },
  eds: {
    kind: 'eds',
    typeUrl: RESOURCE_TYPE_URLS.clusterLoadAssignment,
    what: 'cluster load assignment',
    completeSet: false,
    statPrefix: 'cluster_manager.eds.',
    nameOf: (r) => (r as ClusterLoadAssignment).clusterName,
    apply: (t, r, o) => t.applyEndpoints(r as ClusterLoadAssignment[], o),
  },
  lds: {
    kind: 'lds',
    typeUrl: RESOURCE_TYPE_URLS.listener,
    what: 'listener',
    completeSet: true,
    statPrefix: 'listener_manager.lds.',
    nameOf: named,
    apply: (t, r, o) => t.applyListeners(r as Listener[], o),
  },
  rds: {
    kind: 'rds',
    typeUrl: RESOURCE_TYPE_URLS.routeConfiguration,
    what: 'route configuration',
    completeSet: false,
    statPrefix: 'http.rds.',
    nameOf: named,
    apply: (t, r, o) => t.applyRoutes(r as RouteConfiguration[], o),
  },
};

/** The type a response's `type_url` names, if the client subscribes to it. */
export function xdsTypeOf(typeUrl: string): XdsResourceType | undefined {
  return Object.values(XDS_TYPES).find((t) => t.typeUrl === typeUrl);
}
