/**
 * The schema DSL in one import, for code that declares Envoy messages or registers extensions:
 * `message`, field helpers, scalars, collections, `anyOf`.
 */
export { anyOf, type RegisterOptions, type TypedValue, type TypeEntry, TypeRegistry } from './any.ts';
export { listOf, mapOf } from './collections.ts';
export { duration, formatDurationMs } from './duration.ts';
export { emptyMessage } from './empty-message.ts';
export { enumOf } from './enum.ts';
export {
  type FieldDef,
  type FieldStatus,
  ignored,
  optional,
  repeated,
  required,
  unsupported,
  withDefault,
} from './fields.ts';
export { type FieldValues, type MessageSchema, message } from './message.ts';
export { double, int32, int64, port, uint32, uint64 } from './numbers.ts';
export { bool, bytes, nonEmptyStr, str, stringOf, struct } from './scalars.ts';
export { refine, type Schema } from './schema.ts';
export { ValidationContext } from './validation-context.ts';
export { boolValue, stringValue, wrapper } from './wrappers.ts';
