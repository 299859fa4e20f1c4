import { useEffect } from 'react';
import { CrashBoundary } from './components/CrashBoundary';
import { Sidebar } from './components/Sidebar';
import { TopBar } from './components/TopBar';
import { ComingLater } from './screens/ComingLater';
import { FileBrowserDialog } from './screens/FileBrowserDialog';
import { ModelScreen } from './screens/ModelScreen';
import { RunScreen } from './screens/RunScreen';
import { TestScreen } from './screens/TestScreen';
import { PrimaryActionProvider, useCurrentPrimaryAction } from './state/primary-action';
import { useWorkbench, WorkbenchProvider } from './state/workbench';

export function App() {
  return (
    <WorkbenchProvider>
      <PrimaryActionProvider>
        <Shell />
      </PrimaryActionProvider>
    </WorkbenchProvider>
  );
}

function Shell() {
  const { step, browserOpen } = useWorkbench();
  useRunShortcut();
  return (
    <div className="app">
      <Sidebar />
      <div className="main-column">
        <TopBar />
        <main className="content" id="content">
          <CrashBoundary key={step}>
            {step === 'model' && <ModelScreen />}
            {step === 'test' && <TestScreen />}
            {step === 'run' && <RunScreen />}
            {(step === 'package' || step === 'deploy' || step === 'monitor') && <ComingLater step={step} />}
          </CrashBoundary>
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
