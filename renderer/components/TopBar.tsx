import { useCurrentPrimaryAction } from '../state/primary-action';
import { useWorkbench } from '../state/workbench';
import { fileNameOf } from '../format';

/** The open model (name, version, file) and the current step's one primary action. */
export function TopBar() {
  const { model, spec } = useWorkbench();
  const action = useCurrentPrimaryAction();
  const specModel = spec?.exists ? spec.spec?.model : undefined;
  const name = specModel?.name ?? (model ? fileNameOf(model.path).replace(/\.[^.]+$/, '') : null);
  return (
    <header className="topbar">
      <div className="topbar-model">
        {model ? (
          <>
            <div className="topbar-title-row">
              <h1 className="topbar-name mono" data-testid="model-name">{name}</h1>
              {model.format === 'onnx' && <span className="badge" data-testid="model-version" title={specModel ? 'Version from modeldock.yaml' : 'No modeldock.yaml yet; the version is set when you package the model'}>
                {specModel ? `v${specModel.version}` : 'no version yet'}
              </span>}
              <span className="chip" data-testid="model-format">{model.formatLabel}</span>
            </div>
            <div className="topbar-path mono" data-testid="model-path" title={model.path}>{model.path}</div>
          </>
        ) : (
          <div className="topbar-title-row">
            <h1 className="topbar-name topbar-empty">No model open</h1>
          </div>
        )}
      </div>
      {action && (
        <div className="topbar-action">
          {action.hint && action.disabled && <span className="topbar-hint">{action.hint}</span>}
          <button
            type="button"
            className="button button-primary"
            onClick={action.run}
            disabled={action.disabled || action.busy}
            aria-busy={action.busy || undefined}
            data-testid={action.testId}
            title="Ctrl+Enter"
          >
            {action.busy && <span className="spinner" aria-hidden="true" />}
            {action.label}
          </button>
        </div>
      )}
    </header>
  );
}
