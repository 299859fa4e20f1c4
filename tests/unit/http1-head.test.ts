import { test } from 'node:test';
import assert from 'node:assert/strict';
import { couldBeHead, parseRequestHead } from '../../resources/serving/src/http1-head';

const head = (...lines: string[]) => lines.join('\r\n');

test('the fast lane takes plain HTTP/1.1 heads and reads their framing', () => {
  const parsed = parseRequestHead(head('POST /predict?x=1 HTTP/1.1', 'Host: h', 'Content-Type:  application/json\t', 'Content-Length: 33', 'Connection: Keep-Alive, Close'));
  assert.ok(parsed);
  assert.equal(parsed.method, 'POST');
  assert.equal(parsed.url, '/predict?x=1');
  assert.equal(parsed.contentLength, 33);
  assert.equal(parsed.close, true);
  assert.equal(parsed.headers['content-type'], 'application/json', 'spaces and tabs around a value are not part of it');
  assert.equal(parseRequestHead(head('GET / HTTP/1.1', 'Host: h', 'Expect: 100-Continue'))?.expectContinue, true);
  assert.equal(parseRequestHead(head('GET / HTTP/1.1', 'Host: h'))?.contentLength, 0);
});

test('HTTP/1.0 heads (ab, nginx to its upstreams): the connection stays open only when the client asks, and Host is optional', () => {
  const once = parseRequestHead(head('POST /predict HTTP/1.0', 'Content-Length: 12'));
  assert.ok(once);
  assert.equal(once.contentLength, 12);
  assert.equal(once.close, true, 'HTTP/1.0 closes by default');
  assert.equal(parseRequestHead(head('GET / HTTP/1.0', 'Connection: Keep-Alive'))?.close, false);
  assert.equal(parseRequestHead(head('GET / HTTP/1.0', 'Host: h', 'Connection: close'))?.close, true);
  assert.equal(couldBeHead('GET / HTTP/1.0\r\nUser-Agent: ApacheBench/2.3\r'), true);
  assert.equal(couldBeHead('GET / HTTP/1.2'), false);
});

test('heads the fast lane leaves to node:http', () => {
  const cases: Record<string, string> = {
    'HTTP/1.0 with Expect': head('POST / HTTP/1.0', 'Expect: 100-continue', 'Content-Length: 3'),
    'HTTP/1.0 asking to keep and to close': head('GET / HTTP/1.0', 'Connection: keep-alive, close'),
    'HTTP/0.9-style version': head('GET / HTTP/0.9', 'Host: h'),
    'absolute form': head('GET http://h/ HTTP/1.1', 'Host: h'),
    'lower-case method': head('get / HTTP/1.1', 'Host: h'),
    'unknown method': head('BREW / HTTP/1.1', 'Host: h'),
    'no Host': head('GET / HTTP/1.1', 'Accept: */*'),
    'chunked': head('POST / HTTP/1.1', 'Host: h', 'Transfer-Encoding: chunked'),
    'two Content-Lengths': head('POST / HTTP/1.1', 'Host: h', 'Content-Length: 3', 'content-length: 3'),
    'a signed length': head('POST / HTTP/1.1', 'Host: h', 'Content-Length: +3'),
    'a CR inside a value': head('GET / HTTP/1.1', 'Host: \rh'),
    'a CR ending a value': head('GET / HTTP/1.1', 'Host: h\r', 'Accept: */*'),
    'a NUL': head('GET / HTTP/1.1', 'Host: h\0'),
    'folded line': head('GET / HTTP/1.1', 'Host: h', ' more'),
    'space before colon': head('GET / HTTP/1.1', 'Host : h'),
    '__proto__': head('GET / HTTP/1.1', 'Host: h', '__proto__: x'),
    'Upgrade': head('GET / HTTP/1.1', 'Host: h', 'Upgrade: websocket', 'Connection: Upgrade'),
    'other Expect': head('GET / HTTP/1.1', 'Host: h', 'Expect: 200-ok'),
  };
  for (const [what, text] of Object.entries(cases)) assert.equal(parseRequestHead(text), null, what);
  assert.equal(parseRequestHead(head('GET / HTTP/1.1', 'Host: h', 'X-Name: caf\u00e9'))?.headers['x-name'], 'caf\u00e9', 'obs-text is a value');
});

test('a head still arriving is handed over as soon as it cannot become one the lane takes', () => {
  for (const partial of ['', 'P', 'POST', 'POST /pre', 'POST /predict HTTP/1.', 'POST /predict HTTP/1.1\r', 'POST /predict HTTP/1.1\r\nHost: h\r\nContent-Le']) {
    assert.equal(couldBeHead(partial), true, JSON.stringify(partial));
  }
  for (const partial of ['{"instances"', 'post /', 'POST  /', 'POST /x HTTP/2', 'GET / HTTP/1.1\nHost', 'GET / HTTP/1.1\r\nHost: h\r\n{"a": 1}', 'GET / HTTP/1.1\r\nHost: h\rx', 'BREW / HTTP/1.1\r\n']) {
    assert.equal(couldBeHead(partial), false, JSON.stringify(partial));
  }
});
