/** A Zipkin v2 collector for tests: accepts `POST /api/v2/spans` (JSON) and keeps the spans. */
import http from 'node:http';
import type net from 'node:net';

export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind: string;
  timestamp: number;
  duration: number;
  localEndpoint: { serviceName: string };
  tags: Record<string, string>;
}

export async function startZipkinReceiver(): Promise<{ port: number; spans: ZipkinSpan[]; close(): void }> {
  const spans: ZipkinSpan[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (
        req.method !== 'POST' ||
        req.url !== '/api/v2/spans' ||
        !/json/.test(req.headers['content-type'] ?? '')
      ) {
        res.writeHead(400).end();
        return;
      }
      spans.push(...(JSON.parse(body) as ZipkinSpan[]));
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    spans,
    close: () => {
      server.close();
      server.closeAllConnections();
    },
  };
}
