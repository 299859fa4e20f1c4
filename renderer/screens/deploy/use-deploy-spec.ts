import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { SpecDocument } from '../../../shared/schemas/app';
import type { KubernetesSettings } from '../../../shared/schemas/kubernetes-settings';
import { api } from '../../api/client';
import { errorInfoOf } from '../../api/api-error';
import { defaultSettings } from './deploy-settings';

export type SaveState =
  | { kind: 'loading' }
  | { kind: 'saved'; specPath: string; fromFile: boolean }
  | { kind: 'pending' }
  | { kind: 'saving' }
  | { kind: 'blocked'; reason: string }
  | { kind: 'error'; error: ErrorInfo };

export interface DeploySpec {
  /** null until the spec has been read. */
  settings: KubernetesSettings | null;
  setSettings: (next: KubernetesSettings) => void;
  doc: SpecDocument | null;
  save: SaveState;
  /** Save now (export calls it so the files on disk and the spec agree). */
  flush: () => Promise<void>;
}

const SAVE_DELAY_MS = 700;
const SECTION_COMMENT = 'How the model runs in Kubernetes: written by the Deploy step, read by `modeldock export`.';

/**
 * The spec's `kubernetes:` section for the open model: read once, edited on screen, written back a moment after
 * each change. The engine writes the section into the file as it is on disk at that moment, changing only the
 * values that differ, so edits made elsewhere in the file and every comment survive. Invalid settings are never
 * written.
 */
export function useDeploySpec(modelPath: string, valid: (settings: KubernetesSettings) => boolean): DeploySpec {
  const [doc, setDoc] = useState<SpecDocument | null>(null);
  const [settings, setSettingsState] = useState<KubernetesSettings | null>(null);
  const [save, setSave] = useState<SaveState>({ kind: 'loading' });
  const savedJson = useRef('');
  const docRef = useRef<SpecDocument | null>(null);
  const latest = useRef<KubernetesSettings | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const validRef = useRef(valid);
  validRef.current = valid;

  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const found = await api.call('spec.forModel', { modelPath });
        if (!live) return;
        docRef.current = found;
        setDoc(found);
        const initial = found.spec?.kubernetes ?? defaultSettings();
        latest.current = initial;
        savedJson.current = found.spec?.kubernetes ? JSON.stringify(initial) : '';
        setSettingsState(initial);
        setSave(found.exists && !found.spec
          ? { kind: 'blocked', reason: `${found.specPath} has problems (${found.issues[0]?.message ?? 'invalid'}); fix it in the Package step or an editor, then come back.` }
          : { kind: 'saved', specPath: found.specPath, fromFile: !!found.spec?.kubernetes });
      } catch (e) {
        if (!live) return;
        latest.current = defaultSettings();
        setSettingsState(latest.current);
        setSave({ kind: 'error', error: errorInfoOf(e) });
      }
    })();
    return () => { live = false; };
  }, [modelPath]);

  const write = useCallback(async () => {
    const current = latest.current;
    const base = docRef.current;
    if (!current || !base || !validRef.current(current)) return;
    const json = JSON.stringify(current);
    if (json === savedJson.current) {
      setSave({ kind: 'saved', specPath: base.specPath, fromFile: true });
      return;
    }
    if (base.exists && !base.spec) return;
    setSave({ kind: 'saving' });
    try {
      // The engine merges the settings into the file as it is on disk now: other sections, comments and the
      // formatting of unchanged values stay as the user wrote them.
      const written = await api.call('spec.writeSection', {
        path: base.specPath,
        section: 'kubernetes',
        value: current,
        headComment: SECTION_COMMENT,
        ...(base.exists ? {} : { starterText: base.text }),
      });
      if (!written.spec) {
        setSave({ kind: 'blocked', reason: notSavedReason(written, 'kubernetes') });
        return;
      }
      docRef.current = written;
      setDoc(written);
      savedJson.current = json;
      setSave(JSON.stringify(latest.current) === json ? { kind: 'saved', specPath: written.specPath, fromFile: true } : { kind: 'pending' });
    } catch (e) {
      setSave({ kind: 'error', error: errorInfoOf(e) });
    }
  }, []);

  const setSettings = useCallback((next: KubernetesSettings) => {
    latest.current = next;
    setSettingsState(next);
    if (timer.current) clearTimeout(timer.current);
    if (!validRef.current(next)) {
      setSave({ kind: 'blocked', reason: 'Not saved while a setting has a problem (see the red notes).' });
      return;
    }
    setSave({ kind: 'pending' });
    timer.current = setTimeout(() => { timer.current = null; void write(); }, SAVE_DELAY_MS);
  }, [write]);

  const flush = useCallback(async () => {
    if (timer.current) { clearTimeout(timer.current); timer.current = null; }
    await write();
  }, [write]);

  // Leaving the screen with a change still waiting: save it rather than lose it.
  useEffect(() => () => {
    if (timer.current) { clearTimeout(timer.current); void write(); }
  }, [write]);

  return { settings, setSettings, doc, save, flush };
}

/** Why a save was refused: the file on disk has a problem of its own, or these settings would give it one. */
export function notSavedReason(doc: SpecDocument, section: string): string {
  const issue = doc.issues[0];
  const what = issue ? `${issue.path ? `${issue.path}: ` : ''}${issue.message}` : 'unknown problem';
  return issue && !issue.path.startsWith(section)
    ? `${doc.specPath} has problems now (${what}); fix it in an editor, then change a setting again. Nothing was saved.`
    : `The spec would be invalid (${what}); nothing was saved.`;
}
