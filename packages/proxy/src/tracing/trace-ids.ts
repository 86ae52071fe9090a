/**
 * Random trace and span ids as lower-case hex, cut from a pooled random buffer that is refilled
 * 4 KiB at a time, so a sampled request costs no system call.
 */
import { randomFillSync } from 'node:crypto';

const POOL = Buffer.alloc(4096);
let offset = POOL.length;

function take(bytes: number): string {
  if (offset + bytes > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const s = POOL.toString('hex', offset, offset + bytes);
  offset += bytes;
  return s;
}

/** 32 hex digits (128 bits), never all zero. */
export function newTraceId(): string {
  const id = take(16);
  return id === '00000000000000000000000000000000' ? newTraceId() : id;
}

/** 16 hex digits (64 bits), never all zero. */
export function newSpanId(): string {
  const id = take(8);
  return id === '0000000000000000' ? newSpanId() : id;
}
