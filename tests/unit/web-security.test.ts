import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngine, type Engine } from '../../main/engine/engine';
import { startWebServer, type WebServer } from '../../main/web/web-server';
import { connect, makeSite, request } from './web-support';

let site: ReturnType<typeof makeSite>;
let engine: Engine;
let server: WebServer;
let port: number;
let cookie: string;

before(async () => {
  site = makeSite();
  engine = createEngine({ shell: 'web', dataDir: site.dataDir });
  server = await startWebServer({ engine, staticDir: site.staticDir, port: 0 });
  port = server.port;
  cookie = `modeldock_token_${port}=${server.token}`;
});

after(async () => {
  await server.close();
  await engine.dispose();
  site.cleanup();
});

test('the URL carries a 64-hex-digit token and binds loopback', () => {
  assert.match(server.token, /^[0-9a-f]{64}$/);
  assert.equal(server.url, `http://127.0.0.1:${port}/?token=${server.token}`);
});

test('without the token every page, file and API answers 401', async () => {
  for (const path of ['/', '/index.html', '/app.js', '/api/upload?name=x', '/nope']) {
    const res = await request(port, { path });
    assert.equal(res.status, 401, path);
    assert.doesNotMatch(res.body, /<title>ModelDock/);
  }
  const wrong = await request(port, { path: `/?token=${'0'.repeat(64)}` });
  assert.equal(wrong.status, 401);
  const ws = await connect(port, { Origin: `http://127.0.0.1:${port}` });
  assert.deepEqual(ws, { status: 401 });
});

test('the token in the URL sets an HttpOnly SameSite=Strict cookie and redirects to a clean URL', async () => {
  const res = await request(port, { path: `/?token=${server.token}` });
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/');
  const setCookie = String(res.headers['set-cookie']);
  assert.match(setCookie, new RegExp(`modeldock_token_${port}=${server.token}`));
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);

  const page = await request(port, { path: '/', headers: { Cookie: cookie } });
  assert.equal(page.status, 200);
  assert.match(page.body, /<title>ModelDock<\/title>/);
  assert.match(String(page.headers['content-type']), /text\/html/);
  const csp = String(page.headers['content-security-policy']);
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${port} ws://localhost:${port}`));
  assert.match(csp, /object-src 'none'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(page.headers['x-content-type-options'], 'nosniff');

  const js = await request(port, { path: '/app.js', headers: { Cookie: cookie } });
  assert.equal(js.status, 200);
  assert.match(String(js.headers['content-type']), /javascript/);
});

test('a wrong Host header is refused even with the token (DNS rebinding)', async () => {
  for (const host of [`evil.example:${port}`, '127.0.0.1:1', `127.0.0.1.nip.io:${port}`]) {
    const res = await request(port, { path: '/', headers: { Host: host, Cookie: cookie } });
    assert.equal(res.status, 403, host);
  }
  const ok = await request(port, { path: '/', headers: { Host: `localhost:${port}`, Cookie: cookie } });
  assert.equal(ok.status, 200);
  const ws = await connect(port, { Host: `evil.example:${port}`, Cookie: cookie });
  assert.deepEqual(ws, { status: 403 });
});

test('a foreign Origin is refused on HTTP and on the WebSocket', async () => {
  const http = await request(port, { path: '/api/upload?name=a.txt', method: 'POST', body: 'x', headers: { Cookie: cookie, Origin: 'http://evil.example' } });
  assert.equal(http.status, 403);
  const ws = await connect(port, { Cookie: cookie, Origin: 'http://evil.example' });
  assert.deepEqual(ws, { status: 403 });
  const otherPort = await connect(port, { Cookie: cookie, Origin: 'http://127.0.0.1:1' });
  assert.deepEqual(otherPort, { status: 403 });
  const own = await connect(port, { Cookie: cookie, Origin: `http://127.0.0.1:${port}` });
  assert.ok('ws' in own);
  own.ws.close();
});

test('paths that leave the static folder are not served', async () => {
  for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/..\\secret.txt', '/link.txt', '/%00index.html']) {
    const res = await request(port, { path, headers: { Cookie: cookie } });
    assert.notEqual(res.status, 200, path);
    assert.doesNotMatch(res.body, /TOP SECRET/, path);
  }
});

test('unknown API paths and wrong methods get clear errors', async () => {
  const api = await request(port, { path: '/api/nothing', headers: { Cookie: cookie } });
  assert.equal(api.status, 404);
  assert.equal(JSON.parse(api.body).code, 'not-found');
  const getUpload = await request(port, { path: '/api/upload?name=x', headers: { Cookie: cookie } });
  assert.equal(getUpload.status, 405);
  const post = await request(port, { path: '/index.html', method: 'POST', headers: { Cookie: cookie } });
  assert.equal(post.status, 405);
});
