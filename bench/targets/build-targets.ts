import type { BenchOptions } from '../options.ts';
import type { Tools } from '../tools.ts';
import { directTarget } from './direct.ts';
import { haproxyTarget } from './haproxy.ts';
import { nginxProxyTarget } from './nginx-proxy.ts';
import { tandemTarget } from './tandem.ts';
import { tandemPairTarget } from './tandem-pair.ts';
import type { Target } from './target.ts';

export interface TargetVersions {
  haproxy: string;
  nginx: string;
  tandem: string;
}

/** The selected targets, in the order of the first round: direct, Tandem, HAProxy, nginx. */
export function buildTargets(tools: Tools, versions: TargetVersions, options: BenchOptions): Target[] {
  const tandemLabel = versions.tandem === 'unknown' ? 'Tandem' : `Tandem ${versions.tandem}`;
  const all: Target[] = [
    directTarget(),
    tandemTarget(options.tandemRoot, tandemLabel, 'plain'),
    tandemTarget(options.tandemRoot, `${tandemLabel} + access log`, 'accesslog'),
    tandemTarget(options.tandemRoot, `${tandemLabel} + 100% tracing`, 'tracing'),
    tandemTarget(
      options.tandemRoot,
      `${tandemLabel} + retries, outlier detection, 3-endpoint least-request cluster`,
      'resilience',
    ),
    tandemPairTarget(options.tandemRoot, tandemLabel, false),
    tandemPairTarget(options.tandemRoot, tandemLabel, true),
    haproxyTarget(tools.haproxy, versions.haproxy),
    nginxProxyTarget(tools.nginx, versions.nginx),
  ];
  return all.filter((target) => options.targets.includes(target.name));
}
