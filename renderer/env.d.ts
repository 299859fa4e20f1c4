import type { ModelDockBridge } from '../shared/bridge';

declare global {
  /** Replaced by esbuild at build time ("development" or "production"). */
  const process: { env: { NODE_ENV: string } };
  interface Window {
    /** Present only inside the desktop app (the preload exposes it). */
    modeldock?: ModelDockBridge;
  }
}

declare module '*.css';

export {};
