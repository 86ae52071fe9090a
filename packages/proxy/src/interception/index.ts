export {
  buildIptablesCleanup,
  buildIptablesRules,
  DEFAULT_INTERCEPTION,
  type InterceptionOptions,
  parseCidrs,
  parsePorts,
} from './iptables-rules.ts';
export { originalDestination, originalDestinationMechanism } from './original-destination.ts';
