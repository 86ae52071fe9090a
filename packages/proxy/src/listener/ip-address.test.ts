import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CidrTable, parseCidr } from './cidr-table.ts';
import { formatIp, ipv4FromMapped, parseIp } from './ip-address.ts';

describe('parseIp / formatIp', () => {
  const roundTrips: [string, string][] = [
    ['10.1.2.3', '10.1.2.3'],
    ['0.0.0.0', '0.0.0.0'],
    ['::', '::'],
    ['::1', '::1'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:DB8:0:0:0:0:0:5', '2001:db8::5'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8::1:0:0:0:1', '2001:db8:0:1::1'],
    ['1:0:1:0:1:0:1:0', '1:0:1:0:1:0:1:0'],
    ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
    ['::FFFF:0a00:0001', '::ffff:10.0.0.1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['[::1]', '::1'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
  ];
  for (const [input, expected] of roundTrips) {
    it(`${input} -> ${expected}`, () => assert.equal(formatIp(parseIp(input)!), expected));
  }

  for (const bad of [
    '',
    '1.2.3',
    '1.2.3.4.5',
    '256.1.1.1',
    '01.1.1.1',
    '1..1.1',
    'a.b.c.d',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '12345::',
    ':1',
    '1:2:3:4:5:6:7::8:9',
    '1:2:3:4:5:6:7:1.2.3.4',
  ]) {
    it(`rejects ${JSON.stringify(bad)}`, () => assert.equal(parseIp(bad), undefined));
  }

  it('unmaps IPv4-mapped addresses', () => {
    assert.deepEqual([...ipv4FromMapped(parseIp('::ffff:1.2.3.4')!)!], [1, 2, 3, 4]);
    assert.equal(ipv4FromMapped(parseIp('::1')!), undefined);
  });
});

describe('CidrTable', () => {
  const table = new CidrTable<string>();
  const add = (text: string, value: string) => {
    const [addressPrefix, len] = text.split('/');
    const parsed = parseCidr({ addressPrefix, prefixLen: Number(len) });
    assert.notEqual(typeof parsed, 'string');
    if (typeof parsed !== 'string') table.getOrCreate(parsed, () => value);
  };
  add('0.0.0.0/0', 'v4-any');
  add('10.0.0.0/8', 'ten');
  add('10.1.0.0/16', 'ten-one');
  add('::/0', 'v6-any');
  add('2001:db8::/32', 'doc');

  const lookups: [string, string | undefined][] = [
    ['10.1.2.3', 'ten-one'],
    ['10.2.0.1', 'ten'],
    ['11.0.0.1', 'v4-any'],
    ['::ffff:10.1.0.1', 'ten-one'],
    ['2001:db8::1', 'doc'],
    ['2001:db9::1', 'v6-any'],
  ];
  for (const [ip, expected] of lookups) {
    it(`${ip} -> ${expected}`, () => assert.equal(table.lookup(parseIp(ip)!), expected));
  }

  it('returns the existing value for the same range', () => {
    const t = new CidrTable<object>();
    const range = parseCidr({ addressPrefix: '10.0.0.0', prefixLen: 8 });
    if (typeof range === 'string') throw new Error(range);
    const first = t.getOrCreate(range, () => ({}));
    assert.equal(
      t.getOrCreate(range, () => ({})),
      first,
    );
  });

  it('has no match without a covering range', () => {
    const t = new CidrTable<string>();
    const range = parseCidr({ addressPrefix: '10.0.0.0', prefixLen: 8 });
    if (typeof range === 'string') throw new Error(range);
    t.getOrCreate(range, () => 'x');
    assert.equal(t.lookup(parseIp('11.0.0.0')!), undefined);
    assert.equal(t.lookup(parseIp('::1')!), undefined);
  });
});
