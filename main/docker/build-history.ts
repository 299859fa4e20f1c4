import type { BuildRecord, LoadTestResult } from '../../shared/schemas/docker';

/** STUB (the image helper replaces this file): the local history of built images, in <dataDir>/builds.json. */
export class BuildHistory {
  constructor(readonly dataDir: string) {}
  async list(_modelPath?: string): Promise<BuildRecord[]> { return []; }
  async findByImage(_imageIdOrReference: string): Promise<BuildRecord | null> { return null; }
  async add(_record: BuildRecord): Promise<void> {}
  async addLoadTest(_imageId: string, _result: LoadTestResult): Promise<void> {}
  async addPush(_imageId: string, _push: { reference: string; digest: string; at: string }): Promise<void> {}
  async remove(_imageId: string): Promise<void> {}
}
