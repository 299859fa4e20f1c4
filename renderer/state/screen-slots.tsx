import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { StepId } from './workbench';

/**
 * Each step's screen lives in a slot. Leaving a step unmounts its screen (coming back reads everything afresh),
 * except while the screen has work running: a conversion, a benchmark, an image build, an apply and its rollout.
 * Such a screen stays mounted, hidden, so the work and its progress survive a look at another step; if the work
 * ends while the user is away, the screen stays until they come back to see the result. A newly opened model drops
 * every hidden screen, as before.
 */
export interface ScreenSlot {
  id: StepId | 'main';
  active: boolean;
}

const Slot = createContext<ScreenSlot>({ id: 'main', active: true });
const BusyReporter = createContext<(id: StepId, busy: boolean) => void>(() => {});

export const ScreenSlotProvider = Slot.Provider;
export const ScreenBusyProvider = BusyReporter.Provider;

export function useScreenSlot(): ScreenSlot {
  return useContext(Slot);
}

/** A screen says it has work running; while it does, leaving the step keeps it mounted. */
export function useKeepMountedWhile(busy: boolean): void {
  const { id } = useContext(Slot);
  const report = useContext(BusyReporter);
  useEffect(() => {
    if (id === 'main') return undefined;
    report(id, busy);
    return () => report(id, false);
  }, [id, busy, report]);
}

/** For the shell: which hidden screens stay mounted, and the function screens report their work to (ScreenBusyProvider). */
export function useKeptScreens(step: StepId, modelPath: string | null): { kept: ReadonlySet<StepId>; report: (id: StepId, busy: boolean) => void } {
  const [kept, setKept] = useState<ReadonlySet<StepId>>(new Set());
  const busy = useRef(new Set<StepId>());
  const current = useRef(step);
  current.current = step;

  const report = useCallback((id: StepId, isBusy: boolean) => {
    if (isBusy) busy.current.add(id);
    else busy.current.delete(id);
    setKept((old) => {
      // Busy: kept whenever hidden. Done while hidden: kept until the user comes back.
      if (isBusy === old.has(id) || (!isBusy && current.current !== id)) return old;
      const next = new Set(old);
      if (isBusy) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);

  // Back on a screen whose work has ended: from now on it is an ordinary screen again.
  useEffect(() => {
    setKept((old) => (old.has(step) && !busy.current.has(step) ? new Set([...old].filter((s) => s !== step)) : old));
  }, [step]);

  const shownModel = useRef(modelPath);
  useEffect(() => {
    if (shownModel.current === modelPath) return;
    shownModel.current = modelPath;
    busy.current.clear();
    setKept(new Set());
  }, [modelPath]);

  return { kept, report };
}
