import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ModelDockError } from '../../../shared/errors';
import type { FileEntry } from '../../../shared/schemas/app';
import { looksLikeModelName } from '../../model/model-extensions';
import type { EngineServices, Handlers } from '../types';

/** The web-mode file browser: the browser cannot see the engine's disk, so it asks for a listing. */
export function fileHandlers(_services: EngineServices): Pick<Handlers, 'files.list'> {
  return {
    async 'files.list'({ dir }) {
      const target = path.resolve(dir && dir.trim() ? expandHome(dir.trim()) : os.homedir());
      let names: fs.Dirent[];
      try {
        names = fs.readdirSync(target, { withFileTypes: true });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new ModelDockError({
          code: 'folder-unreadable',
          title: 'Cannot open that folder',
          message: code === 'ENOENT' ? `${target} does not exist.` : code === 'ENOTDIR' ? `${target} is a file, not a folder.` : `${target} cannot be read (${code ?? 'error'}).`,
          fix: 'Check the path, or pick another folder.',
        });
      }
      const entries: FileEntry[] = [];
      for (const entry of names) {
        if (entry.name.startsWith('.')) continue;
        const full = path.join(target, entry.name);
        let stat: fs.Stats | null = null;
        try { stat = fs.statSync(full); } catch { continue; }
        const isDir = stat.isDirectory();
        entries.push({
          name: entry.name,
          path: full,
          kind: isDir ? 'dir' : 'file',
          bytes: isDir ? null : stat.size,
          looksLikeModel: isDir ? fs.existsSync(path.join(full, 'saved_model.pb')) : looksLikeModelName(entry.name),
        });
      }
      entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
      const parent = path.dirname(target);
      return { dir: target, parent: parent === target ? null : parent, entries };
    },
  };
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}
