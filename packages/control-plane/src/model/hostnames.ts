/**
 * Istio's host name rules: short names in config resolve against the config's namespace
 * (`reviews` in `default` -> `reviews.default.svc.cluster.local`); names with dots are taken as
 * written; `*` wildcards stay.
 */
export const DEFAULT_DOMAIN_SUFFIX = 'cluster.local';

export function resolveHost(host: string, namespace: string, domainSuffix = DEFAULT_DOMAIN_SUFFIX): string {
  if (host === '*' || host.startsWith('*.')) return host;
  if (host.includes('.')) return host;
  return `${host}.${namespace}.svc.${domainSuffix}`;
}

/** Whether `host` (possibly a wildcard like `*.example.com`) covers the concrete `name`. */
export function hostMatches(host: string, name: string): boolean {
  if (host === '*') return true;
  if (host.startsWith('*.')) return name.endsWith(host.slice(1));
  return host === name;
}

/**
 * The names a client in `clientNamespace` may use for a Kubernetes-style service host: the FQDN,
 * and when in the same namespace `name`, plus `name.ns`, `name.ns.svc`. Istio adds these as
 * virtual host domains so that plain `http://reviews:9080` works.
 */
export function hostAliases(
  hostname: string,
  clientNamespace: string,
  domainSuffix = DEFAULT_DOMAIN_SUFFIX,
): string[] {
  const suffix = `.svc.${domainSuffix}`;
  if (!hostname.endsWith(suffix)) return [hostname];
  const [name, ns] = hostname.slice(0, -suffix.length).split('.');
  if (name === undefined || ns === undefined) return [hostname];
  const out = [hostname, `${name}.${ns}.svc`, `${name}.${ns}`];
  if (ns === clientNamespace) out.push(name);
  return out;
}

/**
 * Whether every name `a` covers is covered by `b` (Istio's `Name.SubsetOf`): `a.foo.com` and `*.a.foo.com`
 * are subsets of `*.foo.com`, everything of `*`.
 */
export function hostSubsetOf(a: string, b: string): boolean {
  const aWild = a.startsWith('*');
  const bWild = b.startsWith('*');
  if (aWild) return bWild && a.length >= b.length && a.slice(1).endsWith(b.slice(1));
  if (bWild) return a.endsWith(b.slice(1));
  return a === b;
}

/**
 * The names covered by both lists, each as the narrower of the two (Istio's `Names.Intersection`):
 * `["*.foo.com"]` and `["a.foo.com", "bar.com"]` give `["a.foo.com"]`; `["*"]` and any list gives that list.
 */
export function intersectHosts(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  for (const x of a) {
    for (const y of b) {
      const narrower = hostSubsetOf(x, y) ? x : hostSubsetOf(y, x) ? y : undefined;
      if (narrower !== undefined && !out.includes(narrower)) out.push(narrower);
    }
  }
  return out;
}
