import type { CidrRange, FilterChainMatch } from '../types.ts';

const ANY = '*';
const MAX_COMBINATIONS = 4096;

function cidr(range: CidrRange): string {
  return `${range.addressPrefix.toLowerCase()}/${range.prefixLen}`;
}

function dimension(values: readonly string[]): string[] {
  return values.length === 0 ? [ANY] : [...new Set(values)].sort();
}

/** Each criterion of a match as its list of alternatives (`*` for "any"). */
function dimensions(match: FilterChainMatch): string[][] {
  return [
    [match.destinationPort === undefined ? ANY : String(match.destinationPort)],
    dimension(match.prefixRanges.map(cidr)),
    dimension(match.serverNames.map((name) => name.toLowerCase())),
    [match.transportProtocol === '' ? ANY : match.transportProtocol],
    dimension(match.applicationProtocols),
    dimension(match.sourcePrefixRanges.map(cidr)),
    dimension(match.sourcePorts.map(String)),
  ];
}

/**
 * The concrete matching rules a FilterChainMatch stands for: one key per combination of its criteria.
 * Envoy refuses two filter chains that share a rule. Very large matches collapse into one key.
 */
export function matchRules(match: FilterChainMatch): string[] {
  const dims = dimensions(match);
  const combinations = dims.reduce((total, values) => total * values.length, 1);
  if (combinations > MAX_COMBINATIONS) return [dims.map((values) => values.join(',')).join('|')];
  return dims.reduce<string[]>(
    (keys, values) => keys.flatMap((key) => values.map((value) => (key === '' ? value : `${key}|${value}`))),
    [''],
  );
}

/** A readable form of one rule, for messages. */
export function describeRule(rule: string): string {
  const names = [
    'destination_port',
    'prefix_range',
    'server_name',
    'transport_protocol',
    'application_protocol',
    'source_prefix_range',
    'source_port',
  ];
  const parts = rule.split('|').flatMap((value, i) => (value === ANY ? [] : [`${names[i]} ${value}`]));
  return parts.length === 0 ? 'an empty match (any connection)' : parts.join(', ');
}
