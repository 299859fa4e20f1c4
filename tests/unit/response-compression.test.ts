import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { chooseCoding, compressBody } from '../../resources/serving/src/response-compression';

test('Accept-Encoding: gzip is preferred, deflate taken when it is all the client takes, q=0 refuses', () => {
  const cases: Array<[string | undefined, string | null]> = [
    [undefined, null],
    ['', null],
    ['gzip, deflate', 'gzip'], // Python requests
    ['gzip, deflate, br, zstd', 'gzip'], // browsers
    ['deflate', 'deflate'],
    ['GZip', 'gzip'],
    ['gzip;q=0, deflate', 'deflate'],
    ['gzip;q=0.2, deflate;q=0.8', 'deflate'],
    ['gzip;q=0.5', 'gzip'],
    ['identity', null],
    ['br', null],
    ['*', 'gzip'],
    ['*;q=0', null],
    ['*, gzip;q=0', 'deflate'],
    ['gzip;q=x', null],
    [' gzip ; q=1 ', 'gzip'],
  ];
  for (const [header, expected] of cases) assert.equal(chooseCoding(header), expected, `Accept-Encoding: ${header}`);
});

test('compressBody gives what zlib inflates back to the same bytes, for strings and buffers', async () => {
  const text = JSON.stringify({ predictions: Array.from({ length: 500 }, (_, i) => [i / 7, 1 - i / 7]) });
  for (const coding of ['gzip', 'deflate'] as const) {
    for (const body of [text, Buffer.from(text)]) {
      const out = await new Promise<Buffer | null>((resolve) => compressBody(body, coding, resolve));
      assert.ok(out && out.length < text.length / 2, `${coding} shrinks JSON numbers`);
      const back = coding === 'gzip' ? zlib.gunzipSync(out) : zlib.inflateSync(out);
      assert.equal(back.toString(), text);
    }
  }
});
