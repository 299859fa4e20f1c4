import * as path from 'node:path';
import { app, Menu, shell, type MenuItemConstructorOptions } from 'electron';
import type { RecentModel } from '../../shared/schemas/model';

/** File > Open Model…, Open Recent, Quit; View (zoom, full screen, dev tools in development); Help. */

export interface MenuActions {
  openModel(): void;
  openRecent(path: string): void;
  recent(): RecentModel[];
}

export function buildMenu(actions: MenuActions): void {
  const isMac = process.platform === 'darwin';
  const recent = actions.recent().slice(0, 10);
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Open Model…', accelerator: 'CmdOrCtrl+O', click: () => actions.openModel() },
        {
          label: 'Open Recent',
          submenu: recent.length > 0
            ? recent.map((r) => ({ label: r.name, sublabel: r.path, click: () => actions.openRecent(r.path) }))
            : [{ label: 'No recent models', enabled: false }],
        },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit', label: 'Quit ModelDock' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'toggleDevTools' as const }]),
      ],
    },
    {
      label: '&Help',
      submenu: [
        // The README ships inside the app (see electron-builder.yml), so help works offline.
        { label: 'ModelDock Documentation', click: () => void shell.openPath(path.join(app.getAppPath(), 'README.md')) },
        { label: `Version ${app.getVersion()}`, enabled: false },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
