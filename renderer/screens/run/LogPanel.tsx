import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { LogLine } from '../../../shared/schemas/serve';
import { api } from '../../api/client';
import { Card } from '../../components/Card';
import { usePoll } from './use-poll';

const KEEP_LINES = 2000;

/**
 * The server's log, live: polled about once a second while visible, newest at the bottom. It follows new lines
 * unless the user scrolled up to read something, and says so instead of yanking the view away.
 */
/** Where the lines come from: the local server (default) or a container. Remount (key) when the source changes. */
export interface LogSource {
  fetch(afterSeq: number): Promise<{ lines: LogLine[]; nextSeq: number; dropped: number }>;
  title: string;
  subtitle: string;
  emptyText: string;
  testId: string;
}

export function LogPanel({ modelPath, live, source }: { modelPath: string; live: boolean; source?: LogSource }) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [dropped, setDropped] = useState(0);
  const [raw, setRaw] = useState(false);
  const [following, setFollowing] = useState(true);
  const afterSeq = useRef(0);
  const box = useRef<HTMLDivElement>(null);

  const reading = useRef<Promise<void>>(Promise.resolve());

  // The poll and the last read after a stop can overlap: reads queue behind each other, and a line already shown
  // (same seq) is never added twice.
  function fetchMore(): Promise<void> {
    const next = reading.current.then(async () => {
      const answer = source ? await source.fetch(afterSeq.current) : await api.call('serve.logs', { modelPath, afterSeq: afterSeq.current });
      afterSeq.current = Math.max(afterSeq.current, answer.nextSeq);
      if (answer.dropped) setDropped((d) => d + answer.dropped);
      if (answer.lines.length) {
        setLines((old) => {
          const last = old.length ? old[old.length - 1].seq : -1;
          const fresh = answer.lines.filter((l) => l.seq > last);
          return fresh.length ? [...old, ...fresh].slice(-KEEP_LINES) : old;
        });
      }
    });
    reading.current = next.catch(() => {});
    return next;
  }

  usePoll(fetchMore, 1000, live);
  // One more read after the server stops, so its last lines (shutdown, exit code) show.
  useEffect(() => { if (!live) void fetchMore().catch(() => {}); }, [live]); // eslint-disable-line react-hooks/exhaustive-deps

  useLayoutEffect(() => {
    const element = box.current;
    if (element && following) element.scrollTop = element.scrollHeight;
  }, [lines, following, raw]);

  function onScroll() {
    const element = box.current;
    if (!element) return;
    setFollowing(element.scrollHeight - element.scrollTop - element.clientHeight < 24);
  }

  return (
    <Card
      title={source?.title ?? 'Server log'}
      subtitle={source?.subtitle ?? 'What the server writes: one line per request and event, as your model\'s container will. ModelDock\'s own reads of /metrics are left out.'}
      testId={source?.testId ?? 'serve-log'}
      actions={(
        <label className="toggle-label">
          <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} data-testid="log-raw-toggle" />
          Raw JSON
        </label>
      )}
    >
      <div className="log-box mono" ref={box} onScroll={onScroll} data-testid="log-lines" data-count={lines.length} role="log" aria-live="off">
        {dropped > 0 && <div className="log-note">{dropped.toLocaleString('en-US')} older lines not kept</div>}
        {lines.length === 0 && <div className="log-note">{source?.emptyText ?? 'No lines yet. Start the server to see its log.'}</div>}
        {lines.map((line) => (
          <div key={line.seq} className={`log-line log-${line.level} log-from-${line.stream}`} data-testid="log-line" data-event={line.event ?? ''}>
            <span className="log-time">{line.time.slice(11, 19)}</span>
            <span className="log-level">{line.level.toUpperCase()}</span>
            <span className="log-text">{raw ? line.raw : line.message}</span>
          </div>
        ))}
      </div>
      {!following && (
        <button type="button" className="button button-small log-follow" onClick={() => setFollowing(true)} data-testid="log-follow">
          ↓ Jump to the newest lines
        </button>
      )}
    </Card>
  );
}
