import { configSource } from '../core/config-source.ts';
import { required, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { str } from '../schema/scalars.ts';

/** Cluster.EdsClusterConfig: endpoints come over ADS under `service_name` (default: the cluster name). */
export const edsClusterConfig = message({
  name: 'envoy.config.cluster.v3.Cluster.EdsClusterConfig',
  fields: {
    eds_config: required(configSource),
    service_name: withDefault(str, '', { defaultText: 'the cluster name' }),
  },
  build: (v) => ({ serviceName: v.service_name, initialFetchTimeoutMs: v.eds_config.initialFetchTimeoutMs }),
});
