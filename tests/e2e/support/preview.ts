// Serves the built renderer against the canned preview engine: `node --import tsx tests/e2e/support/preview.ts`.
import * as path from 'node:path';
import { startWebServer } from '../../../main/web/web-server';
import { previewEngine } from './preview-engine';

startWebServer({ engine: previewEngine(), port: Number(process.env.PORT ?? 0), staticDir: path.resolve(__dirname, '../../../dist/renderer') })
  .then((server) => process.stdout.write(`ModelDock web mode: ${server.url}\n`))
  .catch((error: unknown) => { process.stderr.write(`${String(error)}\n`); process.exit(1); });
