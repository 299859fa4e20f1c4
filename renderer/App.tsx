import { useEffect } from 'react';
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
            {step === 'package' && <PackageScreen />}
            {step === 'run' && <RunScreen />}
            {step === 'deploy' && <DeployScreen />}
            {step === 'monitor' && <MonitorScreen />}
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
