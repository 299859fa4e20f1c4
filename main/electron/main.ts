import * as path from 'node:path';
import { app, BrowserWindow, session, shell } from 'electron';
import { createEngine, type Engine } from '../engine/engine';
import { APP_ORIGIN, APP_URL, CONTENT_SECURITY_POLICY, registerAppScheme, serveAppScheme } from './app-protocol';
import { openModelDialog } from './dialogs';
import { createCredentialStore } from './keychain-credentials';
import { registerIpc } from './ipc';
import { buildMenu } from './menu';

/**
 * The desktop app: one hardened window showing the renderer, the engine in this (main) process, ONNX Runtime in
 * the engine's worker child process. Everything the window may do goes through ipc.ts.
 */
let mainWindow: BrowserWindow | null = null;
let engine: Engine | null = null;

registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  app.whenReady().then(start).catch((error: unknown) => {
    console.error('ModelDock could not start:', error instanceof Error ? error.message : error);
    app.exit(1);
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && app.isReady()) createWindow();
  });
  let disposed = false;
  app.on('before-quit', (event) => {
    if (disposed || !engine) return;
    // Stop the inference worker before leaving, so no child process outlives the app.
    event.preventDefault();
    disposed = true;
    engine.dispose().finally(() => app.quit());
  });
}

function start(): void {
  serveAppScheme(path.join(__dirname, 'renderer'));
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });

  engine = createEngine({
    shell: 'electron',
    openModelDialog: () => openModelDialog(mainWindow),
    credentials: createCredentialStore(app.getPath('userData')),
  });
  const currentEngine = engine;
  const refreshMenu = () => buildMenu({
    openModel: () => {
      void openModelDialog(mainWindow).then((picked) => {
        if (picked) mainWindow?.webContents.send('modeldock:menu', { command: 'open-model', path: picked });
      });
    },
    openRecent: (modelPath) => mainWindow?.webContents.send('modeldock:menu', { command: 'open-model', path: modelPath }),
    recent: () => currentEngine.services.recent.list(),
  });
  registerIpc({
    engine,
    trustedContents: () => mainWindow?.webContents ?? null,
    onCallDone: (name) => { if (name === 'model.open' || name === 'model.forget') refreshMenu(); },
  });
  refreshMenu();
  createWindow();
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1280,
    height: 840,
    minWidth: 900,
    minHeight: 600,
    title: 'ModelDock',
    show: false,
    backgroundColor: '#f6f7f9',
    icon: path.join(__dirname, '..', 'resources', 'icons', 'modeldock.png'),
    webPreferences: {
      preload: path.join(__dirname, 'preload.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  mainWindow.on('closed', () => { mainWindow = null; });
  void mainWindow.loadURL(APP_URL);
}

/** Applies to every WebContents: no navigation away from the app, no new windows, no <webview>. */
function hardenContents(contents: Electron.WebContents): void {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.on('will-navigate', (event, url) => {
    if (url.startsWith(`${APP_ORIGIN}/`)) return;
    event.preventDefault();
    openInBrowser(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    openInBrowser(url);
    return { action: 'deny' };
  });
}

/** Links to the web (docs, registries) open in the user's browser, and only http(s) ones. */
function openInBrowser(url: string): void {
  try {
    const { protocol } = new URL(url);
    if (protocol === 'https:' || protocol === 'http:') void shell.openExternal(url);
  } catch {
    // Not a URL: ignore.
  }
}
