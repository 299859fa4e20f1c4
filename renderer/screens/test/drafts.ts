/** What the user typed per model, kept while they move between steps (a screen unmounts; their work must not). */
export interface PredictDraft {
  mode: 'per-input' | 'instances';
  texts: Record<string, string>;
  files: Record<string, { path: string; name: string }>;
  instances: string;
  repeat: number;
}

const drafts = new Map<string, PredictDraft>();

export function loadDraft(modelPath: string): PredictDraft | null {
  return drafts.get(modelPath) ?? null;
}

export function saveDraft(modelPath: string, draft: PredictDraft): void {
  drafts.set(modelPath, draft);
}
