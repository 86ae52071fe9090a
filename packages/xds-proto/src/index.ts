export { ADS_LOADER_OPTIONS, loadAdsPackageDefinition } from './ads-service-definition.ts';
export * from './client.ts';
