import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorInfo } from '../../shared/errors';
import type { ListDirResponse } from '../../shared/schemas/app';
import { api } from '../api/client';
import { errorInfoOf } from '../api/api-error';
import { ErrorBanner } from '../components/ErrorBanner';
import { bytesText } from '../format';
import { useWorkbench } from '../state/workbench';

/**
 * Web mode's Browse: the browser cannot see the engine's disk, so this lists folders through 'files.list'.
 * Folders first, model files highlighted, and a path field for pasting a path (Enter opens it).
 */
export function FileBrowserDialog() {
  const { setBrowserOpen, openPath, model } = useWorkbench();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [listing, setListing] = useState<ListDirResponse | null>(null);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [loading, setLoading] = useState(false);
  /**
   * Lists a folder. The listing the dialog opens with (`initial`) leaves the path field alone: it may arrive while
   * the user is already typing or pasting, and text changing under the caret turns "/tmp/x" into "/root/tmp/x".
   * The breadcrumbs show where the list is; a folder the user opens fills the field.
   */
  const list = useCallback(async (dir?: string, initial = false) => {
    setLoading(true);
    try {
      const result = await api.call('files.list', dir ? { dir } : {});
      setListing(result);
      if (!initial) setTyped(result.dir);
      setError(null);
      return true;
    } catch (e) {
      setError(errorInfoOf(e));
      return false;
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    dialogRef.current?.showModal();
    void list(model ? parentOf(model.path) : undefined, true);
  }, [list, model]);

  const close = () => setBrowserOpen(false);
  const open = (path: string) => {
    close();
    void openPath(path);
  };

  /** A typed path: a folder is listed; anything else is opened as a model (the engine explains what is wrong). */
  async function submitTyped() {
    const path = typed.trim();
    if (!path) return;
    const looksLikeFile = /\.[a-z0-9]{1,12}$/i.test(path);
    if (looksLikeFile) return open(path);
    const listed = await list(path);
    if (!listed) {
      setError(null);
      open(path);
    }
  }

  const crumbs = listing ? breadcrumbs(listing.dir) : [];
  const isSavedModel = listing?.entries.some((e) => e.name === 'saved_model.pb') ?? false;

  return (
    <dialog ref={dialogRef} className="dialog file-browser" aria-labelledby="browser-title" onClose={close} data-testid="file-browser">
      <header className="dialog-header">
        <h2 id="browser-title">Open a model</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={close} data-testid="browser-close">×</button>
      </header>
      <form className="path-row" onSubmit={(e) => { e.preventDefault(); void submitTyped(); }}>
        <label className="visually-hidden" htmlFor="path-input">Path of a model file or folder</label>
        <input
          id="path-input"
          className="input mono"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          placeholder={listing ? `${listing.dir.replace(/\/$/, "")}/model.onnx` : "/path/to/model.onnx"}
          spellCheck={false}
          autoComplete="off"
          data-testid="path-input"
          autoFocus
        />
        <button type="submit" className="button button-primary" data-testid="open-path-button">Open</button>
      </form>
      <p className="muted small">Paste a path and press Enter, or pick a file below. Files are read on the machine running ModelDock.</p>
      {listing && (
        <nav className="breadcrumb" aria-label="Folder path" data-testid="breadcrumb">
          {crumbs.map((crumb, i) => (
            <span key={crumb.path}>
              {i > 0 && crumbs[i - 1].name !== '/' && <span className="crumb-sep" aria-hidden="true">/</span>}
              <button type="button" className="link-button mono" onClick={() => void list(crumb.path)}>{crumb.name}</button>
            </span>
          ))}
        </nav>
      )}
      {error && <ErrorBanner error={error} onDismiss={() => setError(null)} testId="browser-error" />}
      <div className="file-list" role="list" aria-busy={loading} data-testid="file-list">
        {listing?.parent && (
          <button type="button" role="listitem" className="file-row" onClick={() => void list(listing.parent!)}>
            <span className="file-icon" aria-hidden="true">↑</span>
            <span className="file-name">..</span>
            <span className="file-meta">parent folder</span>
          </button>
        )}
        {isSavedModel && listing && (
          <button type="button" role="listitem" className="file-row file-model" onClick={() => open(listing.dir)} data-testid="open-savedmodel">
            <span className="file-icon" aria-hidden="true">◆</span>
            <span className="file-name">Open this folder as a SavedModel</span>
            <span className="file-meta">TensorFlow</span>
          </button>
        )}
        {listing?.entries.map((entry) => (
          <button
            key={entry.path}
            type="button"
            role="listitem"
            className={`file-row ${entry.looksLikeModel ? 'file-model' : ''} ${entry.kind === 'dir' ? 'file-dir' : ''}`}
            onClick={() => (entry.kind === 'dir' && !entry.looksLikeModel ? void list(entry.path) : open(entry.path))}
            onDoubleClick={() => entry.kind === 'dir' && void list(entry.path)}
            data-testid={`file-${entry.name}`}
          >
            <span className="file-icon" aria-hidden="true">{entry.kind === 'dir' ? '▸' : entry.looksLikeModel ? '◆' : '·'}</span>
            <span className="file-name mono">{entry.name}{entry.kind === 'dir' ? '/' : ''}</span>
            <span className="file-meta">{entry.looksLikeModel ? 'model' : entry.bytes !== null ? bytesText(entry.bytes) : 'folder'}</span>
          </button>
        ))}
        {listing && listing.entries.length === 0 && <p className="muted empty-folder">This folder is empty.</p>}
      </div>
    </dialog>
  );
}

function parentOf(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i > 0 ? path.slice(0, i) : path;
}

function breadcrumbs(dir: string): { name: string; path: string }[] {
  const windows = /^[a-z]:\\/i.test(dir);
  const sep = windows ? '\\' : '/';
  const parts = dir.split(sep).filter(Boolean);
  const crumbs = windows ? [] : [{ name: '/', path: '/' }];
  let acc = windows ? '' : '';
  for (const part of parts) {
    acc = windows ? (acc ? `${acc}\\${part}` : `${part}\\`) : `${acc}/${part}`;
    crumbs.push({ name: part, path: acc });
  }
  return crumbs;
}
