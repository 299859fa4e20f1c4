import { z } from 'zod';
import { SpecIssueSchema, SpecSchema } from './spec';

export const AppInfoSchema = z.object({
  version: z.string(),
  ortVersion: z.string(),
  platform: z.string(),
  arch: z.string(),
  cpus: z.number().int(),
  /** Which transport serves this UI: the desktop app, or web mode in a browser. */
  shell: z.enum(['electron', 'web', 'cli']),
  dataDir: z.string(),
  homeDir: z.string(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const FileEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['file', 'dir']),
  bytes: z.number().nullable(),
  /** A recognised model (by content for files, by layout for SavedModel folders). */
  looksLikeModel: z.boolean(),
});
export type FileEntry = z.infer<typeof FileEntrySchema>;

export const ListDirResponseSchema = z.object({
  dir: z.string(),
  parent: z.string().nullable(),
  entries: z.array(FileEntrySchema),
});
export type ListDirResponse = z.infer<typeof ListDirResponseSchema>;

export const SpecDocumentSchema = z.object({
  specPath: z.string(),
  exists: z.boolean(),
  spec: SpecSchema.nullable(),
  /** The YAML text as on disk (comments kept), or a generated starter. */
  text: z.string(),
  issues: z.array(SpecIssueSchema),
});
export type SpecDocument = z.infer<typeof SpecDocumentSchema>;
