// xDS serving: snapshot cache, consistency checks, ADS server (state of the world and delta), debounce.
export * from './xds/index.ts';
