import { spawn } from 'node:child_process';

/**
 * Best effort: open the URL in the user's browser. Headless machines (no display) and BROWSER=none skip it; any
 * failure is ignored because the URL is printed anyway.
 */
export function canOpenBrowser(env: Record<string, string | undefined>): boolean {
  if (env.BROWSER === 'none') return false;
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

export function openBrowser(url: string): void {
  const [command, args] = process.platform === 'darwin'
    ? ['open', [url]]
    : process.platform === 'win32'
      ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
      : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // The printed URL is the fallback.
  }
}
