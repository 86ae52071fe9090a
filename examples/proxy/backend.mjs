// A tiny backend for the README demo: answers every request with what it received.
import http from 'node:http';

const port = Number(process.env.PORT ?? 8080);
http
  .createServer((req, res) => {
    let bytes = 0;
    req.on('data', (d) => (bytes += d.length));
    req.on('end', () => {
      const body = JSON.stringify(
        { method: req.method, url: req.url, headers: req.headers, bodyBytes: bytes },
        null,
        2,
      );
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${body}\n`);
    });
  })
  .listen(port, '127.0.0.1', () => console.log(`backend listening on 127.0.0.1:${port}`));
