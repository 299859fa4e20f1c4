import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelDockError } from '../../../shared/errors';
import { createEngine } from '../../engine/engine';
import { pruneUploads, referencedPaths, UPLOAD_MAX_AGE_DAYS } from '../../web/upload-retention';
import { startWebServer } from '../../web/web-server';
import { intValue, oneValue } from '../args';
import { formatBytes } from '../format';
import { EXIT, type CommandDef } from '../command';
import { canOpenBrowser, openBrowser } from '../open-browser';

export const uiCommand: CommandDef = {
  name: 'ui',
  args: '',
  summary: 'Serve the ModelDock app in your browser (web mode), on this machine only',
  details: [
    'Prints one line, "ModelDock web mode: <url>"; the URL carries a random access token. Ctrl-C stops it.',
    'On a remote workstation, forward the port over SSH (ssh -L PORT:127.0.0.1:PORT host) and open the URL.',
  ],
  options: [
    { name: 'port', value: 'N', help: 'Port to listen on (default: a free one)' },
    { name: 'host', value: 'ADDRESS', help: 'Address to bind (default 127.0.0.1; the token still guards others)' },
    { name: 'no-open', help: 'Do not open a browser' },
  ],
  examples: ['modeldock ui', 'modeldock ui --port 8470 --no-open'],
  runsUntilInterrupted: true,
  async run(ctx) {
    const port = intValue(ctx.args, 'port', 0, 65535, 'ui') ?? 0;
    const host = oneValue(ctx.args, 'host') ?? '127.0.0.1';
    // Web mode has its own engine: app.info reports shell "web" to the UI.
    const engine = createEngine({ shell: 'web' });
    try {
      const server = await startWebServer({ engine, host, port, staticDir: findStaticDir(ctx.io.env) });
      ctx.print(`ModelDock web mode: ${server.url}\n`);
      if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
        ctx.io.stderr.write(`${ctx.err.yellow('warning:')} listening on ${host}: anyone who can reach it and has the link can use ModelDock.\n`);
      }
      if (!ctx.args.flags.has('no-open') && canOpenBrowser(ctx.io.env)) openBrowser(server.url);
      ctx.io.stderr.write(ctx.err.dim('Press Ctrl-C to stop.\n'));
      const prune = async () => {
        const pruned = pruneUploads(engine.services.dataDir, await referencedPaths(engine.services));
        if (pruned.removed.length) {
          ctx.io.stderr.write(ctx.err.dim(`Removed ${pruned.removed.length} upload folder(s) (${formatBytes(pruned.freedBytes)}) under ${engine.services.dataDir}: untouched for ${UPLOAD_MAX_AGE_DAYS} days, and neither a recent model nor a built version's files.\n`));
        }
      };
      await prune();
      // Web mode on a headless box may run for weeks: uploads are looked at again once a day, not only at start.
      const daily = setInterval(() => { void prune().catch(() => {}); }, 86_400_000);
      daily.unref();
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) resolve();
        ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      clearInterval(daily);
      await server.close();
      return EXIT.ok;
    } finally {
      await engine.dispose();
    }
  },
};

/** dist/renderer beside the bundled CLI; from source (tsx), the checkout's dist/renderer. */
function findStaticDir(env: Record<string, string | undefined>): string {
  const candidates = [
    env.MODELDOCK_STATIC_DIR,
    path.join(__dirname, 'renderer'),
    path.resolve(__dirname, '..', '..', '..', 'dist', 'renderer'),
    path.resolve(__dirname, '..', '..', 'dist', 'renderer'),
  ].filter((c): c is string => Boolean(c));
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'index.html')));
  if (found) return found;
  throw new ModelDockError({
    code: 'ui-not-built',
    title: 'The web UI is not built',
    message: `No dist/renderer/index.html next to ${__dirname}.`,
    fix: 'Run `npm run build` in the ModelDock folder (or use `npm run web`), then try again.',
  });
}
