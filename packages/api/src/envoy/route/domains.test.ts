import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigIssueCode } from '../issue-codes.ts';
import { issues } from '../testing/raw-config.ts';
import { RESOURCE_TYPE_URLS, validateResource } from '../validate/validate-resource.ts';

describe('Virtual host domains', () => {
  function domainErrors(...domainLists: string[][]) {
    const result = validateResource(RESOURCE_TYPE_URLS.routeConfiguration, {
      virtual_hosts: domainLists.map((domains, i) => ({ name: `vh${i}`, domains, routes: [] })),
    });
    return result.ok ? [] : result.errors;
  }

  it('accepts exact, suffix, prefix and catch-all wildcards', () => {
    assert.deepEqual(
      domainErrors(
        ['example.com', 'example.com:8080'],
        ['*.example.com', '*-bar.example.com'],
        ['foo.*', 'foo-*'],
        ['*'],
      ),
      [],
    );
  });

  it('rejects misplaced or repeated wildcards and empty lists', () => {
    assert.deepEqual(issues(domainErrors(['a.*.com', '*.*'], [])), [
      [
        'virtual_hosts[0].domains[0]',
        'virtual host "vh0": "a.*.com": the wildcard "*" must be the first or last character',
      ],
      ['virtual_hosts[0].domains[1]', 'virtual host "vh0": "*.*": only one wildcard "*" is allowed'],
      ['virtual_hosts[1].domains', 'virtual host "vh1": needs at least 1 element(s), got 0'],
    ]);
  });

  it('rejects a domain used twice in one route configuration', () => {
    assert.deepEqual(domainErrors(['a.com', '*'], ['A.com'], ['*']), [
      {
        path: 'virtual_hosts[1].domains[0]',
        message:
          'virtual host "vh1": domain "A.com" appears also in virtual host "vh0"; domains must be unique',
        code: ConfigIssueCode.duplicate,
      },
      {
        path: 'virtual_hosts[2].domains[0]',
        message: 'virtual host "vh2": domain "*" appears also in virtual host "vh0"; domains must be unique',
        code: ConfigIssueCode.duplicate,
      },
    ]);
  });
});
