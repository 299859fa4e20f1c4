import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A real registry on loopback (Debian's docker-registry, distribution 2.8) with htpasswd auth and temp storage.
 * Docker treats 127.0.0.0/8 as an insecure registry, so plain HTTP works without daemon configuration.
 */
export interface TestRegistry {
  /** "127.0.0.1:PORT" */
  address: string;
  username: string;
  password: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** A bcrypt htpasswd line: the registry accepts only bcrypt. htpasswd (apache2-utils), else Python's crypt. */
function htpasswdLine(username: string, password: string): string {
  const tool = spawnSync('htpasswd', ['-nbB', username, password], { encoding: 'utf8' });
  if (tool.status === 0 && tool.stdout.includes(':$2')) return tool.stdout.trim();
  const py = spawnSync('python3', ['-c', 'import crypt,sys; print(sys.argv[1] + ":" + crypt.crypt(sys.argv[2], crypt.mksalt(crypt.METHOD_BLOWFISH)))', username, password], { encoding: 'utf8' });
  if (py.status === 0 && py.stdout.includes(':$2')) return py.stdout.trim();
  throw new Error('Neither htpasswd (apt-get install apache2-utils) nor Python\'s crypt can make a bcrypt hash for the test registry.');
}

async function waitForRegistry(address: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with ${child.exitCode}:\n${log()}`);
    try {
      const response = await fetch(`http://${address}/v2/`, { signal: AbortSignal.timeout(1000) });
      if (response.status === 401 || response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`docker-registry did not answer on ${address}:\n${log()}`);
}

export async function startRegistry(): Promise<TestRegistry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modeldock-registry-'));
  const username = 'modeldock';
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  fs.writeFileSync(path.join(dir, 'htpasswd'), `${htpasswdLine(username, password)}\n`);
  fs.mkdirSync(path.join(dir, 'storage'));
  fs.writeFileSync(path.join(dir, 'config.yml'), [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${path.join(dir, 'storage')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${address}`,
    'auth:',
    '  htpasswd:',
    '    realm: modeldock-test',
    `    path: ${path.join(dir, 'htpasswd')}`,
    '',
  ].join('\n'));
  let output = '';
  const child = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
  try {
    await waitForRegistry(address, child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    address,
    username,
    password,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
