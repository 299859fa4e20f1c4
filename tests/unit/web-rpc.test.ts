import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createEngine, type Engine } from '../../main/engine/engine';
import type { CallContext } from '../../main/engine/types';
import { sanitiseFileName } from '../../main/web/upload';
import { startWebServer, type WebServer } from '../../main/web/web-server';
import type { CallName } from '../../shared/call-names';
import { cancelledError, toErrorInfo } from '../../shared/errors';
import type { CallResult } from '../../shared/rpc';
import { connect, makeSite, messages, request } from './web-support';

let site: ReturnType<typeof makeSite>;
let engine: Engine;
let server: WebServer;
let fakeServer: WebServer;
const aborted: string[] = [];

/**
 * A stand-in engine whose 'bench.run' reports progress every 10 ms until its signal aborts: it tests the
 * server's progress and cancel plumbing without depending on a real model.
 */
function slowEngine(real: Engine): Engine {
  return {
    ...real,
    async call(name: CallName, raw: unknown, ctx: Partial<CallContext> = {}): Promise<CallResult<never>> {
      if (name !== 'bench.run') return real.call(name, raw, ctx as never) as Promise<CallResult<never>>;
      const signal = ctx.signal!;
      let done = 0;
      return new Promise((resolve) => {
        const timer = setInterval(() => {
          ctx.onProgress?.({ phase: 'measure', batchSize: 1, threads: 1, done: ++done, total: 1000 } as never);
        }, 10);
        signal.addEventListener('abort', () => {
          clearInterval(timer);
          aborted.push(String((raw as { modelPath: string }).modelPath));
          resolve({ ok: false, error: toErrorInfo(cancelledError()) });
        });
      });
    },
  } as Engine;
}

let cookieFor: (s: WebServer) => Record<string, string>;

before(async () => {
  site = makeSite();
  engine = createEngine({ shell: 'web', dataDir: site.dataDir });
  server = await startWebServer({ engine, staticDir: site.staticDir, uploadLimit: 1024 });
  fakeServer = await startWebServer({ engine: slowEngine(engine), staticDir: site.staticDir });
  cookieFor = (s) => ({ Cookie: `modeldock_token_${s.port}=${s.token}`, Origin: `http://127.0.0.1:${s.port}` });
});

after(async () => {
  await server.close();
  await fakeServer.close();
  await engine.dispose();
  site.cleanup();
});

async function open(s: WebServer) {
  const conn = await connect(s.port, cookieFor(s));
  assert.ok('ws' in conn, 'WebSocket should open');
  return { ws: conn.ws, inbox: messages(conn.ws) };
}

test('a call round trip over the WebSocket: app.info reports web mode', async () => {
  const { ws, inbox } = await open(server);
  ws.send(JSON.stringify({ type: 'call', callId: 'c1', name: 'app.info', request: {} }));
  const reply = await inbox.next((m) => m.callId === 'c1');
  assert.equal(reply.type, 'result');
  if (reply.type !== 'result' || !reply.result.ok) throw new Error('app.info failed');
  const info = reply.result.value as { shell: string; dataDir: string };
  assert.equal(info.shell, 'web');
  assert.equal(info.dataDir, site.dataDir);
  ws.close();
});

test('invalid messages and requests get error results, not a dropped socket', async () => {
  const { ws, inbox } = await open(server);
  ws.send('not json');
  ws.send(JSON.stringify({ type: 'call', callId: 'u1', name: 'constructor', request: {} }));
  ws.send(JSON.stringify({ type: 'call', callId: 'b1', name: 'spec.read', request: { path: 42 } }));
  ws.send(JSON.stringify({ type: 'explode', callId: 'x1' }));
  const notJson = await inbox.next((m) => m.callId === '');
  const unknown = await inbox.next((m) => m.callId === 'u1');
  const bad = await inbox.next((m) => m.callId === 'b1');
  const wrongType = await inbox.next((m) => m.callId === 'x1');
  const codeOf = (m: typeof notJson) => (m.type === 'result' && !m.result.ok ? m.result.error.code : 'ok');
  assert.equal(codeOf(notJson), 'bad-message');
  assert.equal(codeOf(unknown), 'unknown-call');
  assert.equal(codeOf(bad), 'bad-request');
  assert.equal(codeOf(wrongType), 'bad-message');
  // Still usable afterwards.
  ws.send(JSON.stringify({ type: 'call', callId: 'ok', name: 'app.info', request: {} }));
  const ok = await inbox.next((m) => m.callId === 'ok');
  assert.equal(ok.type === 'result' && ok.result.ok, true);
  ws.close();
});

test('progress events stream back and cancel aborts the call', async () => {
  const { ws, inbox } = await open(fakeServer);
  ws.send(JSON.stringify({ type: 'call', callId: 'bench-1', name: 'bench.run', request: { modelPath: 'cancel-me' } }));
  await inbox.next((m) => m.type === 'progress' && m.callId === 'bench-1' && (m.event as { done: number }).done >= 3);
  ws.send(JSON.stringify({ type: 'cancel', callId: 'bench-1' }));
  const result = await inbox.next((m) => m.type === 'result' && m.callId === 'bench-1');
  assert.ok(result.type === 'result' && !result.result.ok && result.result.error.code === 'cancelled');
  assert.ok(aborted.includes('cancel-me'));
  ws.close();
});

test('closing the socket aborts its running calls', async () => {
  const { ws, inbox } = await open(fakeServer);
  ws.send(JSON.stringify({ type: 'call', callId: 'bench-2', name: 'bench.run', request: { modelPath: 'close-me' } }));
  await inbox.next((m) => m.type === 'progress' && m.callId === 'bench-2');
  ws.close();
  const deadline = Date.now() + 5000;
  while (!aborted.includes('close-me') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(aborted.includes('close-me'), 'the call was aborted when the socket closed');
});

test('upload streams the body into its own folder under the data dir', async () => {
  const body = Buffer.from('hello model bytes');
  const res = await request(server.port, {
    path: `/api/upload?name=${encodeURIComponent('../../evil name.onnx')}`, method: 'POST', body, headers: cookieFor(server),
  });
  assert.equal(res.status, 200, res.body);
  const { path: saved } = JSON.parse(res.body) as { path: string };
  assert.equal(path.basename(saved), 'evil_name.onnx');
  assert.ok(saved.startsWith(path.join(site.dataDir, 'uploads') + path.sep));
  assert.deepEqual(fs.readFileSync(saved), body);

  const again = await request(server.port, { path: '/api/upload?name=evil_name.onnx', method: 'POST', body, headers: cookieFor(server) });
  assert.notEqual(JSON.parse(again.body).path, saved, 'each upload gets its own folder');
});

test('an upload over the limit is refused and leaves nothing behind', async () => {
  const before = fs.readdirSync(path.join(site.dataDir, 'uploads')).length;
  const res = await request(server.port, { path: '/api/upload?name=big.bin', method: 'POST', body: Buffer.alloc(4096), headers: cookieFor(server) });
  assert.equal(res.status, 413);
  assert.equal(JSON.parse(res.body).code, 'upload-too-large');
  assert.equal(fs.readdirSync(path.join(site.dataDir, 'uploads')).length, before);
});

test('sanitiseFileName keeps names recognisable and safe', () => {
  assert.equal(sanitiseFileName('model.onnx'), 'model.onnx');
  assert.equal(sanitiseFileName('C:\\Users\\me\\My Model.onnx'), 'My_Model.onnx');
  assert.equal(sanitiseFileName('..'), 'upload.bin');
  assert.equal(sanitiseFileName('.hidden'), 'hidden');
  assert.equal(sanitiseFileName('a\u0000b\nc.onnx'), 'abc.onnx');
  const long = sanitiseFileName(`${'x'.repeat(300)}.onnx`);
  assert.equal(long.length, 120);
  assert.ok(long.endsWith('.onnx'));
});
