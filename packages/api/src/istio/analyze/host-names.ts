/**
 * Host names as the mesh resolves them: a short name (no dots) means a Kubernetes Service in the namespace
 * of the config that names it (`reviews` -> `reviews.default.svc.cluster.local`); anything with a dot is
 * taken as written. Wildcards (`*.example.com`) match names with that suffix.
 */

export const DEFAULT_DOMAIN_SUFFIX = 'cluster.local';

/** The fully qualified form of `host` as written in a config object of `namespace`. */
export function resolveHost(host: string, namespace: string, domainSuffix = DEFAULT_DOMAIN_SUFFIX): string {
  if (host.includes('.') || host.includes('*')) return host.toLowerCase();
  return `${host}.${namespace}.svc.${domainSuffix}`.toLowerCase();
}

/** The FQDN of the Kubernetes Service `name` in `namespace`. */
export function serviceHost(name: string, namespace: string, domainSuffix = DEFAULT_DOMAIN_SUFFIX): string {
  return `${name}.${namespace}.svc.${domainSuffix}`;
}

/** True when `pattern` (an FQDN or `*.suffix` / `*`) matches the concrete or wildcard name `host`. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host || pattern === '*') return true;
  if (!pattern.startsWith('*')) return false;
  const suffix = pattern.slice(1);
  return (host.startsWith('*') ? host.slice(1) : host).endsWith(suffix);
}
