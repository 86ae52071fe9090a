import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePortFlag } from '../local/port-decl.ts';
import { ManifestError, parseManifest } from './manifest.ts';

function problems(text: string): string[] {
  try {
    parseManifest(text, '/m/tandem.yaml');
  } catch (err) {
    assert.ok(err instanceof ManifestError);
    return err.problems;
  }
  assert.fail('expected problems');
}

describe('tandem.yaml', () => {
  it('reads workloads with their defaults', () => {
    const m = parseManifest(
      `
namespace: shop
ingress: { ports: [8080], open: /productpage }
workloads:
  - name: reviews
    version: v2
    serviceAccount: bookinfo-reviews
    command: [node, reviews.js]
    cwd: services
    env: { STARS: black, COUNT: 3 }
    ports: [9080, { port: 9090, protocol: grpc, name: grpc-api, targetPort: 19090 }]
    replicas: 2
  - name: job
    namespace: batch
    command: echo hi
    restart: never
`,
      '/m/tandem.yaml',
    );
    assert.equal(m.dir, '/m');
    assert.deepEqual(m.ingress, { ports: [8080], open: '/productpage' });
    const [reviews, job] = m.workloads;
    assert.deepEqual(reviews, {
      name: 'reviews',
      namespace: 'shop',
      serviceAccount: 'bookinfo-reviews',
      labels: { app: 'reviews', version: 'v2' },
      command: ['node', 'reviews.js'],
      cwd: '/m/services',
      env: { STARS: 'black', COUNT: '3' },
      ports: [
        { port: 9080, protocol: 'HTTP', targetPort: 'auto' },
        { name: 'grpc-api', port: 9090, protocol: 'GRPC', targetPort: 19090 },
      ],
      replicas: 2,
      restart: 'always',
    });
    assert.deepEqual(job?.command, ['sh', '-c', 'echo hi']);
    assert.equal(job?.namespace, 'batch');
    assert.equal(job?.serviceAccount, 'default');
    assert.equal(job?.restart, 'never');
  });

  it('reports every problem with the file, the workload and the field', () => {
    assert.deepEqual(
      problems(`
workloads:
  - name: Reviews
  - name: ratings
    command: []
    ports: [0, { port: 9080, protocol: udp }, { port: 9081, targetPort: x }]
    replicas: -1
    restart: sometimes
    colour: blue
  - name: details
    command: [node, d.js]
    ports: [9080, 9080]
`),
      [
        '/m/tandem.yaml: workloads[0] (Reviews).name: "Reviews" is not a DNS label (lower-case letters, digits, -)',
        '/m/tandem.yaml: workloads[1] (ratings): unknown field "colour" (known: name, namespace, serviceAccount, version, labels, command, cwd, env, ports, replicas, restart)',
        '/m/tandem.yaml: workloads[1] (ratings).command: required: a list of arguments, or a string run by sh -c',
        '/m/tandem.yaml: workloads[1] (ratings).ports[0].port: 0 is not a port number (1-65535)',
        '/m/tandem.yaml: workloads[1] (ratings).ports[1].protocol: "udp" is not one of HTTP, HTTP2, GRPC, TCP',
        '/m/tandem.yaml: workloads[1] (ratings).ports[2].targetPort: "x" is not a port number or "auto"',
        '/m/tandem.yaml: workloads[1] (ratings).replicas: -1 is not a whole number from 0 to 64',
        '/m/tandem.yaml: workloads[1] (ratings).restart: "sometimes" is not one of always, on-failure, never',
        '/m/tandem.yaml: workloads[2] (details).ports[1].port: port 9080 is declared twice',
      ],
    );
    assert.deepEqual(problems('workloads: []'), [
      '/m/tandem.yaml: workloads: a non-empty list of workloads is required',
    ]);
    assert.match(problems('workloads: [')[0] ?? '', /^\/m\/tandem\.yaml: /);
  });

  it('refuses the same workload and version twice', () => {
    assert.deepEqual(
      problems(`
workloads:
  - { name: web, version: v1, command: [a] }
  - { name: web, version: v1, command: [b] }
`),
      ['/m/tandem.yaml: workloads[1] (web): a workload named "web" with the same version is declared twice'],
    );
  });
});

describe('tandem run --port', () => {
  it('reads [NAME=]PORT[:APP_PORT|:auto][/PROTOCOL]', () => {
    assert.deepEqual(parsePortFlag('9080'), { port: 9080, protocol: 'HTTP', targetPort: 9080 });
    assert.deepEqual(parsePortFlag('9080:auto'), { port: 9080, protocol: 'HTTP', targetPort: 'auto' });
    assert.deepEqual(parsePortFlag('api=50051:6000/grpc'), {
      name: 'api',
      port: 50051,
      protocol: 'GRPC',
      targetPort: 6000,
    });
    assert.equal(parsePortFlag('70000'), '--port "70000": 70000 is not a port number (1-65535)');
    assert.match(String(parsePortFlag('x')), /expected \[NAME=\]PORT/);
  });
});
