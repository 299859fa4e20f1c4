import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Router } from '../../resources/serving/src/router';
import { requestPath } from '../../resources/serving/src/server';

test('requestPath gives what the WHATWG URL parser gives, for plain paths and every case it must normalise', () => {
  const targets = [
    '/', '/predict', '/predict?x=1&y=2', '/v1/models/iris:predict', '/v2/models/iris/versions/1/infer', '/a/', '/a//b', '//x',
    '/a/./b', '/a/../b', '/.', '/..', '/a/.', '/a/..', '/.hidden', '/..x', '/a.', '/a%20b', '/a b', '/ä', '/a\\b', '/%2e%2e/x',
    '/a/%2E/b', '*', 'http://host/x?q', '/a?', '/a#frag', "/a/b;c=d/e~f@g!h$i&j'k(l)m*n+o,p", '/a"b', '/a<b>', '/a{b}', '/a|b',
    '', '/model.v1/infer',
  ];
  for (const target of targets) {
    let expected: string;
    try {
      expected = new URL(target, 'http://localhost').pathname;
    } catch {
      expected = '/';
    }
    assert.equal(requestPath(target), expected, `target ${JSON.stringify(target)}`);
  }
  assert.equal(requestPath(undefined), '/');
});

test('the router answers repeated paths from its cache with the same result, and stays bounded', () => {
  const router = new Router<string>();
  router.add('GET', '/v2/models/{name}', 'meta').add('POST', '/v2/models/{name}/infer', 'infer').add('POST', '/predict', 'predict');
  const first = router.match('POST', '/v2/models/iris/infer');
  assert.deepEqual(first, { kind: 'found', template: '/v2/models/{name}/infer', params: { name: 'iris' }, handler: 'infer' });
  assert.equal(router.match('POST', '/v2/models/iris/infer'), first, 'a repeated path is not searched again');
  assert.deepEqual(router.match('GET', '/predict'), { kind: 'method', template: '/predict', allow: ['POST'] });
  assert.deepEqual(router.match('POST', '/nope'), { kind: 'none' });
  assert.deepEqual(router.match('POST', '/v2/models/a%2Fb/infer').kind, 'found');
  // Thousands of distinct client paths (names in the path) keep giving right answers.
  for (let i = 0; i < 2000; i++) {
    const m = router.match('GET', `/v2/models/m${i}`);
    assert.ok(m.kind === 'found' && m.params.name === `m${i}`);
  }
  assert.ok((router as unknown as { recent: Map<string, unknown> }).recent.size <= 256);
  // A route added later is seen at once.
  router.add('GET', '/later', 'later');
  assert.equal(router.match('GET', '/later').kind, 'found');
});
