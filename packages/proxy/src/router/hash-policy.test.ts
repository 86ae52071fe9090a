import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HashPolicy } from '@tandem/api';
import { avalanche32, hashString } from './hash-key.ts';
import { compileHashPolicy, generateCookieValue } from './hash-policy.ts';
import { connection, requestHead, testPath } from './route-fixtures.ts';

function policy(...p: HashPolicy[]) {
  return compileHashPolicy(p, testPath)!;
}

/** What generateHash returns for one policy that hashed `s`: FNV-1a, then the avalanche mix. */
const mixed = (s: string) => avalanche32(hashString(s));
const rotl1 = (h: number) => ((h << 1) | (h >>> 31)) >>> 0;
const header = (headerName: string, terminal = false): HashPolicy => ({
  kind: 'header',
  headerName,
  terminal,
});
const conn = connection({
  remoteAddress: '192.0.2.7',
  remotePort: 5555,
  localAddress: '10.0.0.2',
  localPort: 80,
});

describe('CompiledHashPolicy.generateHash', () => {
  it('returns undefined when no policy applies, and no policy object when none are configured', () => {
    assert.equal(policy(header('x-user')).generateHash(requestHead(), conn), undefined);
    assert.equal(compileHashPolicy([], testPath), undefined);
  });

  it('is deterministic for the same input', () => {
    const p = policy(header('x-user'));
    const head = requestHead({ headers: ['x-user', 'alice'] });
    assert.equal(p.generateHash(head, conn), mixed('alice'));
    assert.equal(
      p.generateHash(head, conn),
      p.generateHash(requestHead({ headers: ['x-user', 'alice'] }), conn),
    );
    assert.notEqual(
      p.generateHash(head, conn),
      p.generateHash(requestHead({ headers: ['x-user', 'bob'] }), conn),
    );
  });

  it('spreads keys that differ only in their last characters over the whole hash range', () => {
    // Ring lookups compare whole 32-bit values: keys like s0..s299 must not bunch in one arc.
    const p = policy(header('x-user'));
    const thirds = [0, 0, 0];
    for (let i = 0; i < 300; i++) {
      const h = p.generateHash(requestHead({ headers: ['x-user', `s${i}`] }), conn)!;
      thirds[Math.floor((h / 2 ** 32) * 3)]!++;
    }
    for (const n of thirds) assert.ok(n >= 70 && n <= 130, `thirds ${thirds.join('/')}`);
  });

  it('hashes all values of a repeated header regardless of their order', () => {
    const p = policy(header('x-k'));
    const ab = p.generateHash(requestHead({ headers: ['x-k', 'a', 'x-k', 'b'] }), conn);
    const ba = p.generateHash(requestHead({ headers: ['x-k', 'b', 'x-k', 'a'] }), conn);
    assert.equal(ab, ba);
    assert.notEqual(ab, mixed('a'));
  });

  it('hashes pseudo-headers from the request head', () => {
    assert.equal(
      policy(header(':authority')).generateHash(requestHead({ authority: 'h' }), conn),
      mixed('h'),
    );
  });

  it('combines policies as rotl(previous, 1) ^ next', () => {
    const p = policy(header('x-a'), header('x-b'), { kind: 'sourceIp', terminal: false });
    const head = requestHead({ headers: ['x-a', '1', 'x-b', '2'] });
    const expected =
      (rotl1((rotl1(hashString('1')) ^ hashString('2')) >>> 0) ^ hashString('192.0.2.7')) >>> 0;
    assert.equal(p.generateHash(head, conn), avalanche32(expected));
  });

  it('skips policies that do not apply', () => {
    const p = policy(header('x-missing'), header('x-b'));
    assert.equal(p.generateHash(requestHead({ headers: ['x-b', '2'] }), conn), mixed('2'));
  });

  it('stops at a terminal policy once a hash exists', () => {
    const p = policy(header('x-a', true), header('x-b'));
    assert.equal(p.generateHash(requestHead({ headers: ['x-a', '1', 'x-b', '2'] }), conn), mixed('1'));
    // The terminal policy did not apply: the walk goes on.
    assert.equal(p.generateHash(requestHead({ headers: ['x-b', '2'] }), conn), mixed('2'));
  });

  it('a terminal policy also stops when an earlier policy produced the hash', () => {
    const p = policy(header('x-a'), header('x-missing', true), header('x-b'));
    assert.equal(p.generateHash(requestHead({ headers: ['x-a', '1', 'x-b', '2'] }), conn), mixed('1'));
  });

  it('hashes the source IP without the port, and a query parameter (first value, raw)', () => {
    assert.equal(
      policy({ kind: 'sourceIp', terminal: false }).generateHash(requestHead(), conn),
      mixed('192.0.2.7'),
    );
    const q = policy({ kind: 'queryParameter', name: 'u', terminal: false });
    assert.equal(q.generateHash(requestHead({ path: '/p?u=a%20b&u=c' }), conn), mixed('a%20b'));
    assert.equal(q.generateHash(requestHead({ path: '/p' }), conn), undefined);
  });
});

describe('cookie hash policy', () => {
  const cookie = (ttlMs: number | undefined): HashPolicy => ({
    kind: 'cookie',
    name: 'sticky',
    ttlMs,
    path: '/app',
    terminal: false,
  });

  it('hashes an existing cookie and asks for nothing', () => {
    const p = policy(cookie(60_000));
    const setCookies: string[] = [];
    assert.equal(
      p.generateHash(requestHead({ headers: ['cookie', 'sticky=abc'] }), conn, setCookies),
      mixed('abc'),
    );
    assert.deepEqual(setCookies, []);
  });

  it('without a TTL, a missing cookie gives no hash and no cookie', () => {
    const p = policy(cookie(undefined));
    assert.equal(p.mayGenerateCookie, false);
    const setCookies: string[] = [];
    assert.equal(p.generateHash(requestHead(), conn, setCookies), undefined);
    assert.deepEqual(setCookies, []);
  });

  it('with a TTL, generates a cookie from the connection and hashes it', () => {
    const p = policy(cookie(90_500));
    assert.equal(p.mayGenerateCookie, true);
    const setCookies: string[] = [];
    const value = generateCookieValue(conn);
    assert.match(value, /^[0-9a-f]{8}$/);
    assert.equal(p.generateHash(requestHead(), conn, setCookies), mixed(value));
    assert.deepEqual(setCookies, [`sticky="${value}"; Max-Age=90; Path=/app; HttpOnly`]);
    // The same connection gets the same cookie; another one (most likely) a different one.
    assert.equal(generateCookieValue(conn), value);
    assert.notEqual(generateCookieValue({ ...conn, remotePort: 5556 }), value);
  });

  it('generates a session cookie (no Max-Age) for a zero TTL', () => {
    const setCookies: string[] = [];
    policy(cookie(0)).generateHash(requestHead(), conn, setCookies);
    assert.match(setCookies[0]!, /^sticky="[0-9a-f]{8}"; Path=\/app; HttpOnly$/);
  });
});
