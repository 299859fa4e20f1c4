// The tar writer (build contexts, offline base) checked by GNU tar itself, and Docker context resolution from a
// docker CLI config folder made here.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { listDockerContexts, resolveDockerEndpoint } from '../../main/docker/docker-connection';
import { splitReference } from '../../main/docker/image-reference';
import { tarSize, tarStream, type TarEntry } from '../../main/docker/tar-stream';

describe('tar stream', () => {
  it('writes an archive GNU tar lists and extracts byte for byte, of the size it predicted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-tar-'));
    try {
      const big = path.join(dir, 'big.bin');
      fs.writeFileSync(big, Buffer.alloc(3 * 1024 * 1024 + 7, 9));
      const longName = `${'deep/'.repeat(30)}file.txt`;
      const entries: TarEntry[] = [
        { type: 'dir', name: 'model' },
        { type: 'file', name: 'model/big.bin', source: { path: big, size: fs.statSync(big).size } },
        { type: 'file', name: 'run.sh', mode: 0o755, source: { data: Buffer.from('#!/bin/sh\n') } },
        { type: 'file', name: longName, source: { data: Buffer.from('long') } },
        { type: 'symlink', name: 'link', target: 'run.sh' },
      ];
      const bytes = await buffer(tarStream(entries));
      assert.equal(bytes.length, tarSize(entries));
      const archive = path.join(dir, 'a.tar');
      fs.writeFileSync(archive, bytes);
      const listing = execFileSync('tar', ['-tvf', archive], { encoding: 'utf8' });
      assert.match(listing, /-rwxr-xr-x root\/root\s+10 .* run\.sh/);
      assert.match(listing, /link -> run\.sh/);
      const out = path.join(dir, 'out');
      fs.mkdirSync(out);
      execFileSync('tar', ['-xf', archive, '-C', out]);
      assert.deepEqual(fs.readFileSync(path.join(out, 'model/big.bin')), fs.readFileSync(big));
      assert.equal(fs.readFileSync(path.join(out, longName), 'utf8'), 'long');
      // Same inputs, same bytes: layer caching and reproducible contexts rely on it.
      assert.deepEqual(await buffer(tarStream(entries)), bytes);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails instead of writing a corrupt archive when a file changed size', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-tar-'));
    try {
      const file = path.join(dir, 'f');
      fs.writeFileSync(file, 'abc');
      await assert.rejects(buffer(tarStream([{ type: 'file', name: 'f', source: { path: file, size: 10 } }])), /changed while it was being packed/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('docker endpoint resolution', () => {
  it('follows DOCKER_HOST, then a named or current context, then the default socket', () => {
    const saved = { DOCKER_CONFIG: process.env.DOCKER_CONFIG, DOCKER_HOST: process.env.DOCKER_HOST, DOCKER_CONTEXT: process.env.DOCKER_CONTEXT };
    const config = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-dockercfg-'));
    try {
      delete process.env.DOCKER_HOST;
      delete process.env.DOCKER_CONTEXT;
      process.env.DOCKER_CONFIG = config;
      assert.deepEqual(resolveDockerEndpoint(), { address: 'unix:///var/run/docker.sock', source: 'default', context: null });
      const id = createHash('sha256').update('remote').digest('hex');
      fs.mkdirSync(path.join(config, 'contexts', 'meta', id), { recursive: true });
      fs.writeFileSync(path.join(config, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: 'remote', Endpoints: { docker: { Host: 'tcp://10.0.0.5:2375' } } }));
      assert.equal(resolveDockerEndpoint('remote').address, 'tcp://10.0.0.5:2375');
      fs.writeFileSync(path.join(config, 'config.json'), JSON.stringify({ currentContext: 'remote' }));
      assert.deepEqual(resolveDockerEndpoint(), { address: 'tcp://10.0.0.5:2375', source: 'context', context: 'remote' });
      assert.deepEqual(listDockerContexts().map((c) => [c.name, c.current]), [['default', false], ['remote', true]]);
      process.env.DOCKER_HOST = 'unix:///tmp/other.sock';
      assert.equal(resolveDockerEndpoint().source, 'DOCKER_HOST');
      assert.throws(() => resolveDockerEndpoint('nope'), /no Docker context named "nope"/);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
      fs.rmSync(config, { recursive: true, force: true });
    }
  });

  it('splits references without mistaking a registry port for a tag', () => {
    assert.deepEqual(splitReference('iris:3'), ['iris', '3']);
    assert.deepEqual(splitReference('127.0.0.1:5000/team/iris'), ['127.0.0.1:5000/team/iris', 'latest']);
    assert.deepEqual(splitReference('127.0.0.1:5000/team/iris:2'), ['127.0.0.1:5000/team/iris', '2']);
  });
});
