/** envoy.type.v3.TokenBucket: `max_tokens`, refilled by `tokens_per_fill` every `fill_interval`. */
import { duration } from '../schema/duration.ts';
import { required, withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import { wrapper } from '../schema/wrappers.ts';

export interface TokenBucket {
  maxTokens: number;
  tokensPerFill: number;
  fillIntervalMs: number;
}

export const tokenBucket = message({
  name: 'envoy.type.v3.TokenBucket',
  fields: {
    max_tokens: required(uint32({ min: 1 })),
    tokens_per_fill: withDefault(wrapper('UInt32Value', uint32({ min: 1 })), 1),
    fill_interval: required(duration({ positive: true })),
  },
  build: (v): TokenBucket => ({
    maxTokens: v.max_tokens,
    tokensPerFill: v.tokens_per_fill,
    fillIntervalMs: v.fill_interval,
  }),
});
