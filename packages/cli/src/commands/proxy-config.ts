/**
 * `tandem proxy-config listeners|routes|clusters|endpoints PROXY`: the resources the control
 * plane generated for one proxy, as readable tables or (`-o json`) the raw xDS resources.
 */
import type { Command } from 'commander';
import { fetchDebug } from '../fetch-debug.ts';

// The raw xDS resources are read loosely here: this is display code over proto3 JSON.
// biome-ignore lint/suspicious/noExplicitAny: display code over arbitrary resource JSON
type Json = Record<string, any>;
const KINDS = ['listeners', 'routes', 'clusters', 'endpoints', 'secret'] as const;
type Kind = (typeof KINDS)[number];

export function addProxyConfigCommand(program: Command): void {
  program
    .command('proxy-config')
    .description('Show the xDS resources generated for one proxy.')
    .argument('<kind>', KINDS.join('|'))
    .argument(
      '<proxy>',
      "proxy id (node.id), as proxy-status lists it; for secret: the proxy's admin host:port",
    )
    .option('--debug-address <host:port>', "the control plane's debug API", '127.0.0.1:15014')
    .option('-o, --output <format>', 'table or json', 'table')
    .action(async (kind: string, proxy: string, flags: { debugAddress: string; output: string }) => {
      if (!KINDS.includes(kind as Kind)) {
        process.stderr.write(`tandem proxy-config: kind must be one of ${KINDS.join(', ')}\n`);
        process.exitCode = 2;
        return;
      }
      if (kind === 'secret') return showSecrets(proxy, flags.output);
      const dump = (await fetchDebug(
        flags.debugAddress,
        `/debug/config_dump?proxyID=${encodeURIComponent(proxy)}`,
      )) as Json;
      const list = dump[kind] as Json[];
      if (flags.output === 'json') process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      else process.stdout.write(table(ROWS[kind as Exclude<Kind, 'secret'>](list)));
    });
}

/**
 * Secrets live only in the proxy (the workload key never leaves it), so they are read from its admin API
 * (`/certs`): name, type, serial, SAN, validity and days left; `-o json` prints /certs as is.
 */
async function showSecrets(admin: string, output: string): Promise<void> {
  let certs: Json;
  try {
    const res = await fetch(`http://${admin}/certs`);
    certs = (await res.json()) as Json;
  } catch (err) {
    process.stderr.write(
      `tandem proxy-config secret: cannot reach the proxy admin at ${admin}: ${(err as Error).message}\n`,
    );
    process.exitCode = 2;
    return;
  }
  if (output === 'json') return void process.stdout.write(`${JSON.stringify(certs, null, 2)}\n`);
  const rows = [
    ['RESOURCE NAME', 'TYPE', 'ORIGIN', 'SERIAL NUMBER', 'SAN', 'NOT BEFORE', 'NOT AFTER', 'DAYS LEFT'],
  ];
  for (const c of certs.certificates as Json[]) {
    const chain = (c.cert_chain ?? c.ca_cert ?? []) as Json[];
    chain.forEach((cert, i) => {
      rows.push([
        i === 0 ? c.secret : '',
        c.cert_chain ? (i === 0 ? 'Cert Chain' : '') : 'CA',
        i === 0 ? c.origin : '',
        cert.serial_number ?? '-',
        (cert.subject_alt_names ?? []).map((s: Json) => Object.values(s)[0]).join(',') || '-',
        cert.valid_from ?? '-',
        cert.expiration_time ?? '-',
        String(cert.days_until_expiration ?? '-'),
      ]);
    });
  }
  process.stdout.write(table(rows));
}

const ROWS: Record<Exclude<Kind, 'secret'>, (list: Json[]) => string[][]> = {
  listeners: (list) => [
    ['NAME', 'ADDRESS', 'PORT', 'DESTINATION'],
    ...list.map((l) => {
      const filter = l.filter_chains?.[0]?.filters?.[0]?.typed_config ?? l.api_listener?.api_listener ?? {};
      const dest = filter.rds
        ? `Route: ${filter.rds.route_config_name}`
        : filter.cluster
          ? `Cluster: ${filter.cluster}`
          : filter.route_config
            ? 'Inline route'
            : '-';
      return [
        l.name,
        l.address?.socket_address?.address ?? '-',
        String(l.address?.socket_address?.port_value ?? '-'),
        dest,
      ];
    }),
  ],
  routes: (list) => [
    ['NAME', 'VIRTUAL HOST', 'DOMAINS', 'MATCH', 'DESTINATION'],
    ...list.flatMap((rc) =>
      (rc.virtual_hosts ?? []).flatMap((vh: Json) =>
        (vh.routes ?? []).map((r: Json) => [
          rc.name,
          vh.name,
          (vh.domains ?? []).slice(0, 2).join(',') + ((vh.domains ?? []).length > 2 ? ',…' : ''),
          describeMatch(r.match),
          describeAction(r),
        ]),
      ),
    ),
  ],
  clusters: (list) => [
    ['SERVICE FQDN', 'PORT', 'SUBSET', 'DIRECTION', 'TYPE', 'LB'],
    ...list.map((c) => {
      const [direction = '', port = '', subset = '', host = ''] = String(c.name).split('|');
      return [
        host || c.name,
        port,
        subset || '-',
        direction,
        c.type ?? 'STATIC',
        c.lb_policy ?? 'ROUND_ROBIN',
      ];
    }),
  ],
  endpoints: (list) => [
    ['ENDPOINT', 'STATUS', 'WEIGHT', 'CLUSTER'],
    ...list.flatMap((cla) =>
      (cla.endpoints ?? []).flatMap((loc: Json) =>
        (loc.lb_endpoints ?? []).map((e: Json) => {
          const a = e.endpoint.address.socket_address;
          return [
            `${a.address}:${a.port_value}`,
            e.health_status ?? 'HEALTHY',
            String(e.load_balancing_weight ?? 1),
            cla.cluster_name,
          ];
        }),
      ),
    ),
  ],
};

function describeMatch(m: Json = {}): string {
  const path =
    m.path !== undefined
      ? m.path
      : m.prefix !== undefined
        ? `${m.prefix}*`
        : m.safe_regex
          ? `~${m.safe_regex.regex}`
          : '';
  const headers = (m.headers ?? []).map(
    (h: Json) => `${h.name}${h.invert_match ? '!' : ''}=${JSON.stringify(h.string_match ?? h.present_match)}`,
  );
  return [path, ...headers].join(' ');
}

function describeAction(r: Json): string {
  if (r.redirect) return 'redirect';
  if (r.direct_response) return `direct ${r.direct_response.status}`;
  const a = r.route ?? {};
  if (a.cluster) return a.cluster;
  if (a.weighted_clusters)
    return a.weighted_clusters.clusters.map((c: Json) => `${c.name} ${c.weight}`).join(', ');
  return '-';
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return `${rows
    .map((r) =>
      r
        .map((c, i) => (c ?? '').padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}
