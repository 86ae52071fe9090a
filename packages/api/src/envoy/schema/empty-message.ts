import { type MessageSchema, message } from './message.ts';

/** A message with no fields (e.g. `grpc: {}` or `ads: {}`): its presence is the information. */
export function emptyMessage(name: string, note?: string): MessageSchema<true> {
  return message({ name, note, fields: {}, build: () => true as const });
}
