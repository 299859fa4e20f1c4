import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useScreenSlot } from './screen-slots';
import { useWorkbench } from './workbench';

/**
 * The current step's one primary action, shown in the top bar. Screens declare it; the top bar renders it. A screen
 * with work running stays mounted (hidden) when the user goes to another step (screen-slots.tsx), so each screen's
 * action is kept under its own slot and the top bar shows the current step's.
 */
export interface PrimaryAction {
  label: string;
  run: () => void;
  disabled?: boolean;
  busy?: boolean;
  testId: string;
  /** Says what is missing while the action is disabled. */
  hint?: string;
}

// Two contexts so a screen declaring its action does not re-render when the action changes (that would loop).
const ActionValue = createContext<PrimaryAction | null>(null);
const ActionSetter = createContext<(slot: string, action: PrimaryAction | null) => void>(() => {});

export function PrimaryActionProvider({ children }: { children: ReactNode }) {
  const { step } = useWorkbench();
  const [actions, setActions] = useState<Record<string, PrimaryAction | null>>({});
  const setAction = useCallback((slot: string, action: PrimaryAction | null) => {
    setActions((old) => (old[slot] === action ? old : { ...old, [slot]: action }));
  }, []);
  return (
    <ActionSetter.Provider value={setAction}>
      <ActionValue.Provider value={actions[step] ?? null}>{children}</ActionValue.Provider>
    </ActionSetter.Provider>
  );
}

export function useCurrentPrimaryAction(): PrimaryAction | null {
  return useContext(ActionValue);
}

/** Declare this screen's primary action; it is cleared when the screen goes away. */
export function usePrimaryAction(action: PrimaryAction | null): void {
  const setAction = useContext(ActionSetter);
  const { id } = useScreenSlot();
  const runRef = useRef<(() => void) | undefined>(undefined);
  runRef.current = action?.run;
  const key = action ? JSON.stringify([action.label, action.disabled, action.busy, action.testId, action.hint]) : '';
  useEffect(() => {
    setAction(id, action ? { ...action, run: () => runRef.current?.() } : null);
    // Only the visible description matters; `run` is read through the ref at click time.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, id, setAction]);
  useEffect(() => () => setAction(id, null), [id, setAction]);
}
