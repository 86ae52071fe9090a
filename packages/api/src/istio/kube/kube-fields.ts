/** Small pieces shared by the Kubernetes kinds: any-JSON fields that do not affect the mesh, object references. */
import { optional, withDefault } from '../../envoy/schema/fields.ts';
import { message } from '../../envoy/schema/message.ts';
import { str } from '../../envoy/schema/scalars.ts';
import type { Schema } from '../../envoy/schema/schema.ts';

/** Any JSON value, accepted without a warning: Kubernetes fields that do not change how the mesh routes. */
export const meshIrrelevant: Schema<undefined> = {
  typeName: 'any',
  detail: 'accepted, not used',
  parse: () => undefined,
};

/** core/v1 ObjectReference (an endpoint's `targetRef`). */
export const objectReference = message({
  name: 'k8s.io.api.core.v1.ObjectReference',
  fields: {
    kind: withDefault(str, ''),
    name: withDefault(str, ''),
    namespace: withDefault(str, ''),
    uid: optional(meshIrrelevant),
    apiVersion: optional(meshIrrelevant),
    resourceVersion: optional(meshIrrelevant),
    fieldPath: optional(meshIrrelevant),
  },
  build: (v) => ({ kind: v.kind, name: v.name, namespace: v.namespace }),
});
