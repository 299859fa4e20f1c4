import { useEffect, useRef } from 'react';

/**
 * Calls `tick` every `intervalMs` while enabled and the page is visible, never overlapping: the next call is
 * scheduled when the previous one has finished, so a slow engine is not flooded.
 */
export function usePoll(tick: () => Promise<void> | void, intervalMs: number, enabled: boolean): void {
  const tickRef = useRef(tick);
  tickRef.current = tick;
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      if (stopped) return;
      if (document.visibilityState !== 'hidden') {
        try { await tickRef.current(); } catch { /* the next tick tries again */ }
      }
      if (!stopped) timer = setTimeout(run, intervalMs);
    };
    void run();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [enabled, intervalMs]);
}
