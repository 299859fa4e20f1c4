// Fallback for E2E runs before the CLI exists: starts the engine and web mode in-process and prints the same
// line `modeldock ui` prints. Run with `node --import tsx tests/e2e/support/web-server-main.ts`.
import * as path from 'node:path';
import { createEngine } from '../../../main/engine/engine';
import { startWebServer } from '../../../main/web/web-server';

async function main(): Promise<void> {
  const engine = createEngine({ shell: 'web', dataDir: process.env.MODELDOCK_DATA_DIR });
  const server = await startWebServer({ engine, port: 0, staticDir: path.resolve(__dirname, '../../../dist/renderer') });
  process.stdout.write(`ModelDock web mode: ${server.url}\n`);
  const stop = async () => {
    await server.close();
    await engine.dispose();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
