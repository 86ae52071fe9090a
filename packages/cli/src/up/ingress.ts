/**
 * The bootstrap of `tandem up`'s ingress gateway: a Tandem proxy that presents itself as Istio's
 * `istio-ingressgateway` (a router in istio-system, labelled `istio: ingressgateway`), so Gateway
 * resources written for Istio select it unchanged. TANDEM_GATEWAY_LISTEN tells the control plane
 * where to bind each Gateway server port on this machine.
 */
import { adsConfig } from '../local/workload-spec.ts';

export const GATEWAY_NAMESPACE = 'istio-system';
export const GATEWAY_LABELS = { istio: 'ingressgateway', app: 'istio-ingressgateway' };

export function gatewayBootstrap(
  controlPlane: { host: string; port: number },
  listen: Record<string, string>,
): Record<string, unknown> {
  const pod = 'istio-ingressgateway-0';
  return {
    node: {
      id: `router~127.0.0.1~${pod}.${GATEWAY_NAMESPACE}~${GATEWAY_NAMESPACE}.svc.cluster.local`,
      cluster: `istio-ingressgateway.${GATEWAY_NAMESPACE}`,
      metadata: {
        NAMESPACE: GATEWAY_NAMESPACE,
        LABELS: GATEWAY_LABELS,
        SERVICE_ACCOUNT: 'istio-ingressgateway-service-account',
        WORKLOAD_NAME: 'istio-ingressgateway',
        POD_NAME: pod,
        INSTANCE_IPS: '127.0.0.1',
        TANDEM_GATEWAY_LISTEN: listen,
      },
    },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: 0 } } },
    ...adsConfig(controlPlane),
  };
}
