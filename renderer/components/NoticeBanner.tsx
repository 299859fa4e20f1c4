import { useEffect, useRef } from 'react';

/** A success message (e.g. where a fixed copy was written), brought into view when it appears. */
export function NoticeBanner({ text, path, onDismiss }: { text: string; path?: string; onDismiss: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, [text, path]);
  return (
    <div ref={ref} className="banner banner-success" role="status" data-testid="notice">
      <div className="banner-icon" aria-hidden="true">✓</div>
      <div className="banner-body">
        <p className="banner-message">{text}</p>
        {path && <p className="mono small" data-testid="notice-path">{path}</p>}
      </div>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>×</button>
    </div>
  );
}
