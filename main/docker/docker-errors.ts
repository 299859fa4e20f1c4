import { ModelDockError } from '../../shared/errors';

/**
 * Docker's own errors ("dial unix /var/run/docker.sock: connect: permission denied", a 409 JSON body, a stream
 * line with errorDetail) turned into one plain sentence and the next step. The raw text stays in `detail`.
 */

export type DockerAction = 'connect' | 'build' | 'run' | 'push' | 'pull' | 'import' | 'inspect' | 'stop' | 'remove' | 'login';

export interface DockerErrorContext {
  action: DockerAction;
  /** The engine's address, for "cannot reach" messages. */
  address?: string;
  /** The image or reference the action was about. */
  image?: string;
  /** The host port asked for (port clashes). */
  port?: number;
  registry?: string;
}

/** The text Docker gave, wherever it is in the error (dockerode HTTP error, stream errorDetail, Node socket error). */
export function dockerErrorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (!error || typeof error !== 'object') return String(error);
  const e = error as { json?: unknown; message?: unknown; reason?: unknown; errorDetail?: { message?: unknown }; error?: unknown };
  if (e.errorDetail && typeof e.errorDetail.message === 'string') return e.errorDetail.message;
  if (typeof e.error === 'string') return e.error;
  if (e.json && typeof e.json === 'object' && typeof (e.json as { message?: unknown }).message === 'string') {
    return (e.json as { message: string }).message;
  }
  if (typeof e.json === 'string' && e.json.trim()) return e.json.trim();
  if (typeof e.message === 'string') return e.message.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '');
  return String(error);
}

const socketCode = (error: unknown): string | undefined =>
  error && typeof error === 'object' ? (error as { code?: string }).code : undefined;

/** The HTTP status the engine answered with (404: no such object, 304: already in that state), if any. */
export const dockerStatusCode = (error: unknown): number | undefined =>
  error && typeof error === 'object' ? (error as { statusCode?: number }).statusCode : undefined;

export function dockerError(error: unknown, ctx: DockerErrorContext): ModelDockError {
  if (error instanceof ModelDockError) return error;
  const text = dockerErrorText(error);
  const code = socketCode(error);
  const status = dockerStatusCode(error);
  const detail = text.slice(0, 4000);
  const where = ctx.address ? ` at ${ctx.address}` : '';
  const make = (c: string, title: string, message: string, fix: string) => new ModelDockError({ code: c, title, message, fix, detail });

  if ((error as { name?: string })?.name === 'AbortError' || code === 'ABORT_ERR') {
    return new ModelDockError({ code: 'cancelled', title: 'Cancelled', message: `The ${ctx.action} was cancelled.` });
  }
  if (code === 'ENOENT' && /sock|pipe/i.test(text + where)) {
    return make('docker-not-running', 'Docker is not running',
      `No Docker Engine answers${where}: the socket does not exist, so Docker is not installed or not started.`,
      'Install Docker (Docker Desktop, or "apt-get install docker.io" on Debian/Ubuntu) and start it; then try again.');
  }
  if (code === 'ECONNREFUSED') {
    return make('docker-not-running', 'Docker is not running',
      `Nothing accepts connections${where}: the Docker Engine is stopped, or DOCKER_HOST points at the wrong place.`,
      'Start Docker (Docker Desktop, or "sudo systemctl start docker"), or fix DOCKER_HOST / the Docker context.');
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return make('docker-permission-denied', 'No permission to use Docker',
      `Your user may not open the Docker socket${where}.`,
      'Add yourself to the docker group ("sudo usermod -aG docker $USER"), log out and in again; or use rootless Docker.');
  }
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return make('docker-unreachable', 'Docker does not answer',
      `The Docker Engine${where} did not answer (${code}).`,
      'Check that the machine running Docker is up and reachable, or pick another Docker context.');
  }
  if (/no space left on device/i.test(text)) {
    return make('docker-disk-full', 'The disk is full',
      'Docker ran out of disk space while it was working.',
      'Free space: remove old images and containers ("Clean up" in ModelDock, or "docker system prune"), then try again.');
  }
  if (/port is already allocated|address already in use|bind: .*in use/i.test(text)) {
    return make('port-in-use', 'That port is already in use',
      `Port ${ctx.port ?? ''} on 127.0.0.1 is taken by another program or container.`.replace('Port  on', 'The port on'),
      'Pick another port, or leave the port empty so ModelDock chooses a free one.');
  }
  if (/unauthorized|authentication required|denied: requested access|incorrect username or password|no basic auth credentials|401/i.test(text)
    && (ctx.action === 'push' || ctx.action === 'login')) {
    return make('registry-auth-failed', 'The registry refused the credentials',
      `${ctx.registry ?? 'The registry'} did not accept the user name and password (or token) for this ${ctx.action}.`,
      'Log in again with a user that may push to this repository (for cloud registries, use an access token as the password).');
  }
  if (ctx.action === 'push' || ctx.action === 'login') {
    if (/connection refused|no such host|dial tcp|i\/o timeout|server gave HTTP response to HTTPS client|x509/i.test(text)) {
      return make('registry-unreachable', 'The registry cannot be reached',
        `Docker could not talk to ${ctx.registry ?? 'the registry'}: ${text.split('\n')[0]}.`,
        'Check the registry address (host:port), that it is running, and for a plain-HTTP registry that Docker lists it under insecure-registries.');
    }
  }
  if (status === 404 || /no such image|not found: manifest unknown|pull access denied|manifest unknown|repository does not exist/i.test(text)) {
    if (ctx.action === 'build' || ctx.action === 'pull' || ctx.action === 'run') {
      const offline = /dial tcp|lookup|connection refused|i\/o timeout|network is unreachable/i.test(text);
      return make('image-missing', ctx.action === 'build' ? 'The base image is not available' : 'The image is not available',
        `Docker does not have ${ctx.image ? `"${ctx.image}"` : 'the image'} locally${offline ? ' and cannot download it (no connection to the registry)' : ' and could not pull it'}.`,
        ctx.action === 'build'
          ? 'Pull it while online ("docker pull IMAGE"), pick a base image you have, or create the offline base: "modeldock base-image" (Package screen: "Create offline base").'
          : 'Build the image first, or pull it from its registry.');
    }
    if (/no such container/i.test(text)) {
      return make('container-missing', 'That container is gone',
        'The container was removed (or never existed).', 'Start a new container from the image.');
    }
  }
  if (/dial tcp|lookup .* no such host|network is unreachable|i\/o timeout/i.test(text) && (ctx.action === 'build' || ctx.action === 'pull')) {
    return make('image-missing', 'The base image cannot be downloaded',
      `Docker has no local copy of ${ctx.image ? `"${ctx.image}"` : 'the base image'} and cannot reach its registry.`,
      'Create the offline base with "modeldock base-image" (Package screen: "Create offline base") and build from it.');
  }
  if (status === 409 && /is not running|is already in progress|conflict/i.test(text)) {
    return make('docker-conflict', 'Docker refused: the object is busy',
      text.split('\n')[0], 'Wait for the other operation to finish, or stop the container first.');
  }
  const verb: Record<DockerAction, string> = {
    connect: 'connect to Docker', build: 'build the image', run: 'start the container', push: 'push the image',
    pull: 'pull the image', import: 'import the base image', inspect: 'read from Docker', stop: 'stop the container',
    remove: 'remove it', login: 'log in to the registry',
  };
  return make(`docker-${ctx.action}-failed`, `Docker could not ${verb[ctx.action]}`,
    `Docker said: ${text.split('\n')[0].slice(0, 300)}`,
    'Read the detail below; if Docker itself is unwell, restarting it often helps.');
}
