import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ModelFormat, RecentModel } from '../../shared/schemas/model';

const MAX_RECENT = 12;

/** The recent-models list, a small JSON file in the data dir; a corrupt file is treated as empty, never fatal. */
export class RecentModels {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'recent-models.json');
  }

  list(): RecentModel[] {
    try {
      const items = JSON.parse(fs.readFileSync(this.file, 'utf8')) as RecentModel[];
      return Array.isArray(items) ? items.filter((i) => i && typeof i.path === 'string') : [];
    } catch {
      return [];
    }
  }

  add(modelPath: string, format: ModelFormat): RecentModel[] {
    const entry: RecentModel = { path: modelPath, name: path.basename(modelPath), format, openedAt: new Date().toISOString() };
    return this.save([entry, ...this.list().filter((i) => i.path !== modelPath)].slice(0, MAX_RECENT));
  }

  remove(modelPath: string): RecentModel[] {
    return this.save(this.list().filter((i) => i.path !== modelPath));
  }

  private save(items: RecentModel[]): RecentModel[] {
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(items, null, 2));
    fs.renameSync(tmp, this.file);
    return items;
  }
}
