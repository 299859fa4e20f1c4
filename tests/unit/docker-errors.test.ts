// Docker's own error shapes (socket errors, dockerode HTTP errors, build/push stream lines) become one plain
// sentence and a next step. The shapes are the ones dockerode really produces; the live ones are in tests/docker.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dockerError, dockerErrorText } from '../../main/docker/docker-errors';

const socketError = (code: string, message: string) => Object.assign(new Error(message), { code });
const httpError = (statusCode: number, message: string) =>
  Object.assign(new Error(`(HTTP code ${statusCode}) unexpected - ${message}`), { statusCode, json: { message } });

describe('docker error translation', () => {
  it('a missing socket means Docker is not running, with how to start it', () => {
    const e = dockerError(socketError('ENOENT', 'connect ENOENT /var/run/docker.sock'), { action: 'connect', address: 'unix:///var/run/docker.sock' });
    assert.equal(e.code, 'docker-not-running');
    assert.match(e.message, /unix:\/\/\/var\/run\/docker\.sock/);
    assert.match(e.fix ?? '', /start/i);
  });

  it('permission denied on the socket names the docker group', () => {
    const e = dockerError(socketError('EACCES', 'connect EACCES /var/run/docker.sock'), { action: 'connect' });
    assert.equal(e.code, 'docker-permission-denied');
    assert.match(e.fix ?? '', /docker group/);
  });

  it('a full disk, a taken port and a missing base image each get their own sentence', () => {
    assert.equal(dockerError({ errorDetail: { message: 'write /var/lib/docker/tmp/x: no space left on device' } }, { action: 'build' }).code, 'docker-disk-full');
    const port = dockerError(httpError(500, 'driver failed programming external connectivity: Bind for 127.0.0.1:8080 failed: port is already allocated'), { action: 'run', port: 8080 });
    assert.equal(port.code, 'port-in-use');
    assert.match(port.message, /8080/);
    const base = dockerError({ errorDetail: { message: 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host' } }, { action: 'build', image: 'node:20-slim' });
    assert.equal(base.code, 'image-missing');
    assert.match(base.message, /node:20-slim/);
    assert.match(base.fix ?? '', /modeldock base-image/);
  });

  it('registry failures on push: auth vs unreachable', () => {
    assert.equal(dockerError({ errorDetail: { message: 'unauthorized: authentication required' } }, { action: 'push', registry: '127.0.0.1:5000' }).code, 'registry-auth-failed');
    assert.equal(dockerError({ errorDetail: { message: 'Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused' } }, { action: 'push', registry: '127.0.0.1:1' }).code, 'registry-unreachable');
  });

  it('anything else keeps Docker\'s words in the message and the whole text in detail', () => {
    const e = dockerError(httpError(500, 'something odd\nsecond line'), { action: 'build' });
    assert.equal(e.code, 'docker-build-failed');
    assert.match(e.message, /something odd/);
    assert.doesNotMatch(e.message, /second line/);
    assert.match(e.detail ?? '', /second line/);
  });

  it('reads the text from every shape dockerode uses', () => {
    assert.equal(dockerErrorText({ errorDetail: { message: 'a' } }), 'a');
    assert.equal(dockerErrorText(httpError(404, 'No such image: x')), 'No such image: x');
    assert.equal(dockerErrorText('plain'), 'plain');
  });
});
