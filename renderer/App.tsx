import { useEffect, type ReactNode } from 'react';
import { CrashBoundary } from './components/CrashBoundary';
import { Sidebar } from './components/Sidebar';
import { TopBar } from './components/TopBar';
import { DeployScreen } from './screens/DeployScreen';
import { FileBrowserDialog } from './screens/FileBrowserDialog';
import { ModelScreen } from './screens/ModelScreen';
import { MonitorScreen } from './screens/MonitorScreen';
import { PackageScreen } from './screens/PackageScreen';
import { RunScreen } from './screens/RunScreen';
import { TestScreen } from './screens/TestScreen';
import { PrimaryActionProvider, useCurrentPrimaryAction } from './state/primary-action';
import { ScreenBusyProvider, ScreenSlotProvider, useKeptScreens } from './state/screen-slots';
import { useWorkbench, WorkbenchProvider, type StepId } from './state/workbench';

export function App() {
  return (
    <WorkbenchProvider>
      <PrimaryActionProvider>
        <Shell />
      </PrimaryActionProvider>
    </WorkbenchProvider>
  );
}

const SCREENS: Array<{ id: StepId; render: () => ReactNode }> = [
  { id: 'model', render: () => <ModelScreen /> },
  { id: 'test', render: () => <TestScreen /> },
  { id: 'package', render: () => <PackageScreen /> },
  { id: 'run', render: () => <RunScreen /> },
  { id: 'deploy', render: () => <DeployScreen /> },
  { id: 'monitor', render: () => <MonitorScreen /> },
];

function Shell() {
  const { step, browserOpen, model } = useWorkbench();
  const { kept, report } = useKeptScreens(step, model?.path ?? null);
  useRunShortcut();
  return (
    <div className="app">
      <Sidebar />
      <div className="main-column">
        <TopBar />
        <main className="content" id="content">
          <ScreenBusyProvider value={report}>
            {SCREENS.map(({ id, render }) => {
              const active = step === id;
              if (!active && !kept.has(id)) return null;
              return (
                <div key={id} hidden={!active} data-screen-slot={id}>
                  <ScreenSlotProvider value={{ id, active }}>
                    <CrashBoundary>{render()}</CrashBoundary>
                  </ScreenSlotProvider>
                </div>
              );
            })}
          </ScreenBusyProvider>
        </main>
      </div>
      {browserOpen && <FileBrowserDialog />}
    </div>
  );
}

/** Ctrl/Cmd+Enter runs the current step's primary action from anywhere (also inside the JSON editors). */
function useRunShortcut() {
  const action = useCurrentPrimaryAction();
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && action && !action.disabled && !action.busy) {
        event.preventDefault();
        action.run();
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [action]);
}
