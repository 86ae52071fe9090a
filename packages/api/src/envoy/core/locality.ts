import { withDefault } from '../schema/fields.ts';
import { message } from '../schema/message.ts';
import { str } from '../schema/scalars.ts';
import type { Locality } from '../types.ts';

export const locality = message({
  name: 'envoy.config.core.v3.Locality',
  fields: {
    region: withDefault(str, ''),
    zone: withDefault(str, ''),
    sub_zone: withDefault(str, ''),
  },
  build: (v): Locality => ({ region: v.region, zone: v.zone, subZone: v.sub_zone }),
});
