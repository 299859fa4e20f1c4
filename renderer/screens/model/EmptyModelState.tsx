import { useRef, useState, type DragEvent } from 'react';
import { api } from '../../api/client';
import { timeAgo } from '../../format';
import { useWorkbench } from '../../state/workbench';

/** The first screen: a large drop zone, Browse, and the recent models under it. */
export function EmptyModelState() {
  const wb = useWorkbench();
  const [over, setOver] = useState(false);
  const uploadRef = useRef<HTMLInputElement>(null);

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setOver(false);
    const item = event.dataTransfer.items?.[0];
    const entry = item && 'webkitGetAsEntry' in item ? item.webkitGetAsEntry() : null;
    if (entry?.isDirectory && api.transportKind === 'web') {
      wb.setBrowserOpen(true);
      return;
    }
    const file = event.dataTransfer.files[0];
    if (file) void wb.openFile(file);
  }

  return (
    <div className="empty-state">
      <div
        className={`drop-zone ${over ? 'drop-zone-over' : ''}`}
        onDragOver={(e) => { e.preventDefault(); setOver(true); }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        data-testid="drop-zone"
      >
        <div className="drop-icon" aria-hidden="true">
          <svg width="48" height="48" viewBox="0 0 48 48" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
            <path d="M24 8v22M15 21l9 9 9-9" />
            <path d="M8 32v6a2 2 0 0 0 2 2h28a2 2 0 0 0 2-2v-6" />
          </svg>
        </div>
        <h2 className="drop-title">Drop a model: .onnx, .pt, .pkl, .joblib, .h5, or a SavedModel folder</h2>
        <p className="muted">ModelDock reads it without loading its weights, shows what it takes and returns, and checks that it will run in production.</p>
        <div className="drop-actions">
          <button type="button" className="button button-primary" onClick={() => void wb.browse()} data-testid="browse-button">Browse…</button>
          {api.transportKind === 'web' && (
            <>
              <button type="button" className="button" onClick={() => uploadRef.current?.click()} data-testid="upload-button">Upload from this computer…</button>
              <input
                ref={uploadRef}
                type="file"
                hidden
                onChange={(e) => { const f = e.target.files?.[0]; if (f) void wb.openFile(f); e.target.value = ''; }}
                data-testid="upload-input"
              />
            </>
          )}
        </div>
        {api.transportKind === 'web' && (
          <p className="muted small">Browse reads files on the machine running ModelDock; a dropped file is copied to it first.</p>
        )}
      </div>
      <RecentModels />
    </div>
  );
}

function RecentModels() {
  const { recent, openPath, forget } = useWorkbench();
  if (recent.length === 0) return null;
  return (
    <section className="recent" aria-labelledby="recent-title" data-testid="recent-list">
      <h2 id="recent-title" className="section-title">Recent models</h2>
      <ul className="recent-list">
        {recent.map((item) => (
          <li key={item.path} className="recent-item" data-testid="recent-item" data-path={item.path}>
            <button type="button" className="recent-open" onClick={() => void openPath(item.path)} data-testid={`recent-open-${item.name}`}>
              <span className="recent-name mono">{item.name}</span>
              <span className="recent-path mono">{item.path}</span>
            </button>
            <span className="chip">{item.format}</span>
            <span className="muted small recent-when">{timeAgo(item.openedAt)}</span>
            <button type="button" className="icon-button" aria-label={`Remove ${item.name} from recent models`} onClick={() => void forget(item.path)} data-testid={`recent-remove-${item.name}`}>×</button>
          </li>
        ))}
      </ul>
    </section>
  );
}
