import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Logger } from '../../resources/serving/src/log';

function capture(level: 'debug' | 'info' | 'warn' | 'error' = 'info'): { log: Logger; lines: () => string[] } {
  let text = '';
  const log = new Logger(level, (chunk, done) => { text += chunk; done?.(); });
  return { log, lines: () => { log.flush(); return text.split('\n').filter(Boolean); } };
}

test('the fast request line is byte for byte what info("request", {...}) writes, for hostile paths and ids too', () => {
  const cases: Array<[string, string, number, number, string, string]> = [
    ['POST', '/predict', 200, 0.3, '/predict', '00000a'],
    ['GET', '/v2/models/cnn/infer', 404, 12.5, 'unmatched', 'client-id-1'],
    ['POST', '/a"b\\c', 400, 1, '/v2/models/{name}/infer', 'id"with\\quotes'],
    ['GET', '/\u0000\u001f\u2028\u2029\ud800é😀', 200, 1234.5, '/', '\n\t\r'],
    ['DELETE', '/x', 405, 0, '/v1/models/{name}', ''],
  ];
  for (const [method, path, status, ms, route, id] of cases) {
    const slow = capture();
    const fast = capture();
    slow.log.info('request', { method, path, status, ms, route, id });
    fast.log.request(method, path, status, ms, route, id);
    const [slowLine] = slow.lines();
    const [fastLine] = fast.lines();
    const strip = (line: string) => line.replace(/^\{"time":"[^"]+",/, '{');
    assert.equal(strip(fastLine), strip(slowLine));
    const parsed = JSON.parse(fastLine) as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed), ['time', 'level', 'event', 'method', 'path', 'status', 'ms', 'route', 'id']);
    assert.equal(parsed.path, path);
    assert.equal(parsed.id, id);
    assert.match(parsed.time as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  }
});

test('request lines follow the log level, and the reused timestamp stays current', async () => {
  const quiet = capture('warn');
  quiet.log.request('GET', '/', 200, 1, '/', 'a');
  assert.deepEqual(quiet.lines(), []);

  const { log, lines } = capture();
  log.request('GET', '/', 200, 1, '/', 'a');
  log.request('GET', '/', 200, 1, '/', 'b');
  await new Promise((r) => setTimeout(r, 5));
  log.request('GET', '/', 200, 1, '/', 'c');
  const times = lines().map((l) => Date.parse((JSON.parse(l) as { time: string }).time));
  assert.equal(times.length, 3);
  assert.ok(times[2] > times[0], 'a later millisecond gets a new timestamp');
  assert.ok(Math.abs(times[2] - Date.now()) < 1000);
});

test('request lines from several event-loop turns go out in one write after a short wait; other lines by the end of their turn, in order', async () => {
  const writes: string[] = [];
  // A longer wait than the runtime's 2 ms, so that a slow test machine cannot flush between the turns below.
  const log = new Logger('info', (chunk, done) => { writes.push(chunk); done?.(); }, 100);
  const turn = () => new Promise((r) => setImmediate(r));
  log.request('GET', '/a', 200, 1, '/', '1');
  await turn();
  log.request('GET', '/b', 200, 1, '/', '2');
  await turn();
  assert.equal(writes.length, 0, 'request lines wait for company');
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(writes.length, 1, 'written together once the short wait is over');
  assert.deepEqual(writes[0].trim().split('\n').map((l) => (JSON.parse(l) as { path: string }).path), ['/a', '/b']);

  log.request('GET', '/c', 200, 1, '/', '3');
  log.warn('slow-thing', { ms: 5 });
  await turn();
  assert.equal(writes.length, 2, 'a warning does not wait, and takes the pending request line with it');
  assert.deepEqual(writes[1].trim().split('\n').map((l) => (JSON.parse(l) as { event: string }).event), ['request', 'slow-thing']);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(writes.length, 2, 'nothing is written twice');
});
