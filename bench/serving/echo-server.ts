/**
 * The transport limit: a bare node:http server that reads the whole request body (so large payloads cost what they
 * cost any server) and answers every request with the same small JSON, no parsing, no model. One process, like the
 * runtime's HTTP side. Prints `{"port":N}` once listening on 127.0.0.1.
 * Run: node --import tsx bench/serving/echo-server.ts
 */
import * as http from 'node:http';

const reply = Buffer.from(JSON.stringify({ predictions: [0], labels: ['setosa'] }));

const server = http.createServer((request, response) => {
  let received = 0;
  request.on('data', (chunk: Buffer) => { received += chunk.length; });
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': reply.length, 'x-received-bytes': received });
    response.end(reply);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
