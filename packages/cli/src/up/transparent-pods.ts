/**
 * What `tandem up --transparent` adds to the local mesh: a pod per workload instance on a private
 * bridge (pod-network.ts), a virtual IP per service (service-addresses.ts) that every pod's
 * /etc/hosts names, the iptables rules of `tandem iptables` in each pod (the same generator, so
 * the same exemptions: the proxy UID, and the configured ports and CIDRs), and how each instance
 * is started in its pod: `ip netns exec <pod> setpriv --reuid=<proxy UID> ... tandem run
 * --transparent`, the sidecar as the exempt UID, keeping CAP_SETUID/CAP_SETGID (ambient) only to
 * start the application as the app user and CAP_KILL to stop it (another user's process). Instance CA tokens are kept in a directory of this mesh,
 * readable by the proxy UID only, and removed with the pods.
 */
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  buildIptablesRules,
  DEFAULT_INTERCEPTION,
  type InterceptionOptions,
} from '@tandem/proxy/interception';
import type { AppUser } from '../local/app-process.ts';
import { hostCount, type Ipv4Cidr } from './ipv4-cidr.ts';
import type { WorkloadDecl } from './manifest.ts';
import { type Pod, PodNetwork } from './pod-network.ts';
import { allocateServiceAddresses, buildPodHosts, serviceKey } from './service-addresses.ts';

/** The sidecar's admin port in every pod, on its loopback (Envoy's and Istio's 15000). */
export const POD_ADMIN_PORT = 15000;

export interface TransparentOptions {
  podCidr: Ipv4Cidr;
  serviceCidr: Ipv4Cidr;
  /** The sidecars' UID, exempt from redirection (Istio's 1337). */
  proxyUid: number;
  /** Who the applications run as (never the proxy UID). */
  appUser: AppUser;
  excludeOutboundPorts: number[];
  excludeOutboundCidrs: string[];
  excludeInboundPorts: number[];
}

export class TransparentPods {
  readonly options: TransparentOptions;
  private readonly network: PodNetwork;
  private readonly pods = new Map<string, Pod>();
  private serviceAddresses = new Map<string, string>();
  private runtimeDir: string | undefined;

  constructor(options: TransparentOptions) {
    this.options = options;
    this.network = new PodNetwork(options.podCidr, [options.serviceCidr]);
  }

  get bridge(): string {
    return this.network.bridge;
  }

  /** Where the pods reach the host (and the control plane). */
  get bridgeIp(): string {
    return this.network.bridgeIp;
  }

  /** Makes the bridge and a pod per instance, with its hosts file and iptables rules. */
  create(instances: readonly { name: string; decl: WorkloadDecl }[]): void {
    const room = hostCount(this.options.podCidr) - 1; // the bridge takes the first address
    if (instances.length > room)
      throw new Error(
        `--pod-cidr ${this.options.podCidr.text} has room for ${room} pods; ${instances.length} instances need one each`,
      );
    this.serviceAddresses = allocateServiceAddresses(
      instances.map((i) => i.decl),
      this.options.serviceCidr,
    );
    this.runtimeDir = mkdtempSync(path.join(tmpdir(), `tandem-${this.network.bridge}-`));
    chmodSync(this.runtimeDir, 0o711); // the proxy UID opens its token by name; nobody lists them
    this.network.createBridge();
    const rules = buildIptablesRules(this.interception());
    for (const { name, decl } of instances) {
      const pod = this.network.addPod(name, (ip) =>
        buildPodHosts(this.serviceAddresses, { name, ip, namespace: decl.namespace }),
      );
      this.pods.set(name, pod);
      this.network.exec(pod, ['iptables-restore', '--noflush'], rules);
    }
  }

  podOf(instance: string): Pod {
    const pod = this.pods.get(instance);
    if (pod === undefined) throw new Error(`no pod for instance ${instance}`);
    return pod;
  }

  serviceAddressOf(decl: WorkloadDecl): string | undefined {
    return this.serviceAddresses.get(serviceKey(decl));
  }

  /** `argv` (a `tandem run`) started in the instance's pod as the proxy UID. */
  command(instance: string, argv: readonly string[]): string[] {
    const uid = String(this.options.proxyUid);
    return this.network.command(this.podOf(instance), [
      'setpriv',
      `--reuid=${uid}`,
      `--regid=${uid}`,
      '--clear-groups',
      // Kept through exec as ambient capabilities: to start the application as its user, and to
      // signal it when draining; the application itself gets none (app-process.ts).
      '--inh-caps=+setuid,+setgid,+kill',
      '--ambient-caps=+setuid,+setgid,+kill',
      '--',
      ...argv,
    ]);
  }

  /** The `tandem run` flags that put an instance in transparent mode. */
  runFlags(instance: string, decl: WorkloadDecl): string[] {
    const vip = this.serviceAddressOf(decl);
    const { uid, gid } = this.options.appUser;
    return [
      '--transparent',
      '--pod-ip',
      this.podOf(instance).ip,
      ...(vip === undefined ? [] : ['--service-address', vip]),
      '--app-user',
      `${uid}:${gid}`,
      '--admin-port',
      String(POD_ADMIN_PORT),
    ];
  }

  /** Writes an instance's CA token where only the proxy UID can read it. */
  writeToken(instance: string, token: string): string {
    if (this.runtimeDir === undefined) throw new Error('the pods are not created yet');
    const file = path.join(this.runtimeDir, `${instance}.token`);
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    chownSync(file, this.options.proxyUid, this.options.proxyUid);
    return file;
  }

  /** Removes the pods, the bridge and the tokens; returns what could not be removed. */
  destroy(): string[] {
    const problems = this.network.destroy();
    if (this.runtimeDir !== undefined) rmSync(this.runtimeDir, { recursive: true, force: true });
    this.runtimeDir = undefined;
    return problems;
  }

  private interception(): InterceptionOptions {
    return {
      ...DEFAULT_INTERCEPTION,
      proxyUid: this.options.proxyUid,
      excludeOutboundPorts: this.options.excludeOutboundPorts,
      excludeOutboundCidrs: this.options.excludeOutboundCidrs,
      excludeInboundPorts: this.options.excludeInboundPorts,
    };
  }
}
