/** Entry point the proxy loads lazily (a proxy without an identity never loads x509 or the CA client). */
import type { SecretStore } from '../tls/secret-store.ts';
import { CaClient } from './ca-client.ts';
import { IdentityAgent } from './identity-agent.ts';
import type { IdentityAgentHandle, WorkloadIdentityOptions } from './identity-types.ts';

export function startIdentityAgent(
  store: SecretStore,
  options: WorkloadIdentityOptions,
  log: (line: string) => void,
): IdentityAgentHandle {
  const client = new CaClient(options.caAddress);
  const agent = new IdentityAgent(
    store,
    options,
    (csr, ttl, token) => client.createCertificate(csr, ttl, token),
    log,
  );
  agent.start();
  const stop = agent.stop.bind(agent);
  agent.stop = () => {
    stop();
    client.close();
  };
  return agent;
}
