import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainIndex } from './domain-index.ts';

describe('DomainIndex', () => {
  it('takes the longest suffix wildcard, then the longest prefix wildcard', () => {
    const d = new DomainIndex<string>(false);
    for (const domain of ['*.com', '*.b.com', '*-b.com', 'a.*', 'a.b.*']) assert.ok(d.add(domain, domain));
    assert.equal(d.lookup('x.b.com'), '*.b.com');
    assert.equal(d.lookup('x-b.com'), '*-b.com');
    assert.equal(d.lookup('x.c.com'), '*.com');
    assert.equal(d.lookup('a.b.org'), 'a.b.*');
    assert.equal(d.lookup('a.c.org'), 'a.*');
    assert.equal(d.lookup('nothing'), undefined);
  });

  it('needs at least one character for the wildcard', () => {
    const d = new DomainIndex<string>(false);
    d.add('*.a.com', 's');
    d.add('b.*', 'p');
    assert.equal(d.lookup('.a.com'), undefined);
    assert.equal(d.lookup('b.'), undefined);
    assert.equal(d.lookup('x.a.com'), 's');
    assert.equal(d.lookup('b.x'), 'p');
  });

  it('answers * alone without looking at the authority', () => {
    const d = new DomainIndex<string>(false);
    d.add('*', 'any');
    assert.equal(d.lookup(''), 'any');
    assert.equal(d.lookup('whatever:1'), 'any');
  });

  it('reports duplicates', () => {
    const d = new DomainIndex<string>(false);
    assert.equal(d.add('A.com', '1'), true);
    assert.equal(d.add('a.COM', '2'), false);
    assert.equal(d.add('*', '1'), true);
    assert.equal(d.add('*', '2'), false);
  });
});
