import { useEffect, useRef } from 'react';
import type { ErrorInfo } from '../../shared/errors';
import { CopyButton } from './CopyButton';

/** Stack frames never reach the user, even inside the detail disclosure. */
function withoutStackFrames(detail: string): string {
  return detail.split('\n').filter((line) => !/^\s*at\s.+(\(|:\d+)/.test(line)).join('\n').trim();
}

/** A command in the fix (in `backticks`) becomes a copyable block. */
function commandIn(fix: string): string | null {
  const match = /`([^`]+)`/.exec(fix);
  return match ? match[1] : null;
}

interface ErrorBannerProps {
  error: ErrorInfo;
  onDismiss?: () => void;
  testId?: string;
  /** The file the error is about, shown under the title so a message that does not name it still points at it. */
  file?: string | null;
}

export function ErrorBanner({ error, onDismiss, testId = 'error-banner', file }: ErrorBannerProps) {
  const detail = error.detail ? withoutStackFrames(error.detail) : '';
  const command = error.fix ? commandIn(error.fix) : null;
  const ref = useRef<HTMLDivElement>(null);
  // A new error is brought into view: it may appear above content the user has scrolled past.
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest' });
  }, [error]);
  return (
    <div ref={ref} className="banner banner-error" role="alert" data-testid={testId} data-code={error.code}>
      <div className="banner-icon" aria-hidden="true">!</div>
      <div className="banner-body">
        <h3 className="banner-title" data-testid="error-title">{error.title}</h3>
        {file && <p className="banner-file mono" data-testid="error-file" title={file}>{file}</p>}
        <p className="banner-message" data-testid="error-message">{error.message}</p>
        {error.fix && <p className="banner-fix" data-testid="error-fix"><strong>Next step:</strong> {error.fix.replace(/`/g, '')}</p>}
        {command && (
          <div className="inline-command">
            <code>{command}</code>
            <CopyButton text={command} label="Copy command" />
          </div>
        )}
        {detail && (
          <details className="disclosure">
            <summary>Technical details</summary>
            <pre className="mono detail-text" data-testid="error-detail">{detail}</pre>
          </details>
        )}
      </div>
      {onDismiss && (
        <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss} data-testid="error-dismiss">×</button>
      )}
    </div>
  );
}
