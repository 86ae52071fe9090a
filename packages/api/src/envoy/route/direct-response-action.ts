import { dataSource } from '../core/data-source.ts';
import { optional, required } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { uint32 } from '../schema/numbers.ts';
import type { DirectResponseAction } from '../types.ts';

/** envoy.config.route.v3.DirectResponseAction. */
export const directResponseAction = message({
  name: 'envoy.config.route.v3.DirectResponseAction',
  fields: {
    status: required(uint32({ min: 100, max: 599 })),
    body: optional(dataSource, { note: 'inline bodies are limited by max_direct_response_body_size_bytes' }),
  },
  build: (v): DirectResponseAction => ({ kind: 'directResponse', status: v.status, body: v.body }),
});
