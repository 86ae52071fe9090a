import type protobuf from 'protobufjs';

/** The proto3 JSON name of a field: its `json_name` option, or its proto name in lowerCamelCase. */
export function jsonNameOf(field: protobuf.Field): string {
  const explicit = field.options?.json_name;
  if (typeof explicit === 'string') return explicit;
  return field.name.replace(/_([a-z0-9])/g, (_match, next: string) => next.toUpperCase());
}

const indexes = new WeakMap<protobuf.Type, Map<string, protobuf.Field>>();

/** Every accepted spelling of a message's field names (proto name and JSON name) mapped to the field. */
export function fieldIndex(type: protobuf.Type): Map<string, protobuf.Field> {
  let index = indexes.get(type);
  if (index === undefined) {
    index = new Map();
    for (const field of type.fieldsArray) {
      index.set(field.name, field);
      index.set(jsonNameOf(field), field);
    }
    indexes.set(type, index);
  }
  return index;
}

/** Whether a field tracks presence, so that a default value set explicitly still counts (oneofs, messages). */
export function tracksPresence(field: protobuf.Field): boolean {
  if (field.repeated || field.map) return false;
  return field.partOf !== null || isMessageField(field);
}

export function isMessageField(field: protobuf.FieldBase): boolean {
  return field.resolvedType !== null && 'fieldsArray' in field.resolvedType;
}

/** A known field name close to `unknown` (snake_case or camelCase), for "did you mean" hints. */
export function suggestField(type: protobuf.Type, unknown: string): string | undefined {
  const wanted = unknown.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(wanted.length / 4)) + 1;
  for (const field of type.fieldsArray) {
    const distance = editDistance(wanted, field.name);
    if (distance < bestDistance) {
      best = field.name;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_v, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
