import { useCallback, useEffect, useRef, useState } from 'react';
import type { ListDirResponse } from '../../../shared/schemas/app';
import { api } from '../../api/client';

/**
 * A small picker over the engine's disk ('files.list'): a data file for the profile, or a folder for the export.
 * The app's Browse dialog opens models; this one only hands a path back.
 */
export function PathDialog({ mode, start, onPick, onClose }: { mode: 'file' | 'folder'; start: string; onPick: (path: string) => void; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [listing, setListing] = useState<ListDirResponse | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const list = useCallback(async (dir: string) => {
    try {
      setListing(await api.call('files.list', { dir }));
      setProblem(null);
    } catch (e) {
      setProblem((e as Error).message);
    }
  }, []);
  useEffect(() => {
    ref.current?.showModal();
    void list(start);
  }, [list, start]);
  return (
    <dialog ref={ref} className="dialog file-browser" onClose={onClose} aria-labelledby="path-dialog-title" data-testid="path-dialog">
      <header className="dialog-header">
        <h2 id="path-dialog-title">{mode === 'file' ? 'Choose a data file' : 'Choose a folder'}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>×</button>
      </header>
      <p className="muted small mono">{listing?.dir ?? start}</p>
      {problem && <p className="field-problem small">{problem}</p>}
      <div className="file-list" role="list">
        {listing?.parent && (
          <button type="button" role="listitem" className="file-row" onClick={() => void list(listing.parent!)}>
            <span className="file-icon" aria-hidden="true">↑</span><span className="file-name">..</span><span className="file-meta">parent folder</span>
          </button>
        )}
        {listing?.entries.filter((e) => mode === 'file' || e.kind === 'dir').map((e) => (
          <button key={e.path} type="button" role="listitem" className="file-row" data-testid={`path-entry-${e.name}`}
            onClick={() => (e.kind === 'dir' ? void list(e.path) : onPick(e.path))}>
            <span className="file-icon" aria-hidden="true">{e.kind === 'dir' ? '▸' : '·'}</span>
            <span className="file-name">{e.name}</span>
            <span className="file-meta">{e.kind === 'dir' ? 'folder' : ''}</span>
          </button>
        ))}
      </div>
      {mode === 'folder' && listing && (
        <div className="dialog-actions">
          <button type="button" className="button button-primary" onClick={() => onPick(listing.dir)} data-testid="path-pick-folder">Use this folder</button>
        </div>
      )}
    </dialog>
  );
}
