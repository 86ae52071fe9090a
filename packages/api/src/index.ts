export const TANDEM_VERSION = '0.1.0';
export type * from './envoy/types.ts';
