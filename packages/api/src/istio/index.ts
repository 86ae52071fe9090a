export { MESH_GATEWAY, resolveGatewayName } from './networking/gateway-names.ts';
export type * from './types.ts';
