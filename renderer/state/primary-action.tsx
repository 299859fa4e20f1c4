import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';

/** The current step's one primary action, shown in the top bar. Screens declare it; the top bar renders it. */
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
const ActionSetter = createContext<(action: PrimaryAction | null) => void>(() => {});

export function PrimaryActionProvider({ children }: { children: ReactNode }) {
  const [action, setAction] = useState<PrimaryAction | null>(null);
  return (
    <ActionSetter.Provider value={setAction}>
      <ActionValue.Provider value={action}>{children}</ActionValue.Provider>
    </ActionSetter.Provider>
  );
}

export function useCurrentPrimaryAction(): PrimaryAction | null {
  return useContext(ActionValue);
}

/** Declare this screen's primary action; it is cleared when the screen goes away. */
export function usePrimaryAction(action: PrimaryAction | null): void {
  const setAction = useContext(ActionSetter);
  const runRef = useRef<(() => void) | undefined>(undefined);
  runRef.current = action?.run;
  const key = action ? JSON.stringify([action.label, action.disabled, action.busy, action.testId, action.hint]) : '';
  useEffect(() => {
    setAction(action ? { ...action, run: () => runRef.current?.() } : null);
    // Only the visible description matters; `run` is read through the ref at click time.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, setAction]);
  useEffect(() => () => setAction(null), [setAction]);
}
