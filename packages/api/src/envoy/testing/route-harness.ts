import assert from 'node:assert/strict';
import type { ConfigIssue } from '../config-issue.ts';
import type { Route } from '../types.ts';
import { RESOURCE_TYPE_URLS, validateResource } from '../validate/validate-resource.ts';
import { issues } from './raw-config.ts';

/** Path of the route these helpers validate. */
export const R = 'virtual_hosts[0].routes[0]';

/** Validates a route configuration "rc" holding one virtual host "vh" with `route` as its only route. */
export function validateRoute(route: Record<string, unknown>) {
  return validateResource(RESOURCE_TYPE_URLS.routeConfiguration, {
    name: 'rc',
    virtual_hosts: [{ name: 'vh', domains: ['*'], routes: [route] }],
  });
}

export function routeOf(route: Record<string, unknown>): Route {
  const result = validateRoute(route);
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  return result.resource.virtualHosts[0]!.routes[0]!;
}

export function routeErrors(route: Record<string, unknown>): [string, string][] {
  const result = validateRoute(route);
  assert.ok(!result.ok, 'expected the route to be rejected');
  return issues(result.errors as ConfigIssue[]);
}

export const toBackend = { cluster: 'backend' };
