/**
 * envoy.type.v3.FractionalPercent and envoy.config.core.v3.RuntimeFractionalPercent, normalised to
 * millionths of requests (`PerMillion`). Numerators above the denominator mean 100% (Envoy caps them).
 */
import { enumOf } from '../schema/enum.ts';
import { ignored, required, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import type { PerMillion } from '../types.ts';

export const ALL: PerMillion = 1_000_000;

const SCALE = { HUNDRED: 10_000, TEN_THOUSAND: 100, MILLION: 1 } as const;

/** envoy.type.v3.FractionalPercent as millionths. */
export const fractionalPercent = message({
  name: 'envoy.type.v3.FractionalPercent',
  fields: {
    numerator: withDefault(uint32(), 0),
    denominator: withDefault(
      enumOf('DenominatorType', { HUNDRED: 0, TEN_THOUSAND: 1, MILLION: 2 }),
      'HUNDRED',
    ),
  },
  build: (v): PerMillion => Math.min(ALL, v.numerator * SCALE[v.denominator]),
});

/** envoy.config.core.v3.RuntimeFractionalPercent: the default value (there is no runtime). */
export const runtimeFractionalPercent = message({
  name: 'envoy.config.core.v3.RuntimeFractionalPercent',
  fields: {
    default_value: required(fractionalPercent),
    runtime_key: ignored('there is no runtime; the default value applies'),
  },
  build: (v): PerMillion => v.default_value,
});

/** A percentage as Istio and humans write it (0..100) in millionths. */
export function percentToPerMillion(percent: number): PerMillion {
  return Math.min(ALL, Math.round(percent * 10_000));
}
