export { MESH_GATEWAY, resolveGatewayName } from './networking/gateway-names.ts';
export { VALID_CIPHER_SUITES } from './networking/server-tls.ts';
export type * from './types.ts';
