import { useEffect, useState, type DragEvent } from 'react';
import { Card } from '../components/Card';
import { ErrorBanner } from '../components/ErrorBanner';
import { NoticeBanner } from '../components/NoticeBanner';
import { ProgressBar } from '../components/ProgressBar';
import { usePrimaryAction } from '../state/primary-action';
import { useWorkbench } from '../state/workbench';
import { ConversionView } from './model/ConversionView';
import { EmptyModelState } from './model/EmptyModelState';
import { InspectView } from './model/InspectView';
import { ValidationCard } from './model/ValidationCard';
import './model/model.css';

/** Model step: open (drop, browse, recent), then inspect and validate. */
export function ModelScreen() {
  const wb = useWorkbench();
  const { model, opening, openError, notice, validation } = wb;
  const [dragging, setDragging] = useState(false);

  // A newly opened model starts at the top of the page, not where the previous one was scrolled to.
  useEffect(() => { document.getElementById('content')?.scrollTo({ top: 0 }); }, [model?.path]);

  usePrimaryAction(
    model?.format === 'onnx'
      ? {
        label: validation.status === 'running' ? 'Validating…' : validation.status === 'done' ? 'Validate again' : 'Validate model',
        run: () => void wb.validate(),
        busy: validation.status === 'running',
        testId: 'validate-button',
      }
      : { label: model ? 'Open another model…' : 'Open model…', run: () => void wb.browse(), disabled: !!opening, testId: 'open-model-button' },
  );

  // Once a model is open, the whole screen still accepts a dropped file to open another one.
  const dropHandlers = model ? {
    onDragOver: (e: DragEvent) => { if (e.dataTransfer.types.includes('Files')) { e.preventDefault(); setDragging(true); } },
    onDragLeave: (e: DragEvent) => { if (e.currentTarget === e.target) setDragging(false); },
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      setDragging(false);
      const file = e.dataTransfer.files[0];
      if (file) void wb.openFile(file);
    },
  } : {};

  return (
    <div className={`screen ${model ? '' : 'screen-no-model'} ${dragging ? 'screen-dragging' : ''}`} {...dropHandlers} data-testid="model-screen">
      {notice && <NoticeBanner text={notice.text} path={notice.path} onDismiss={wb.dismissNotice} />}
      {openError && <ErrorBanner error={openError} file={wb.openErrorFile} onDismiss={wb.dismissOpenError} />}
      {opening && (
        <Card testId="opening">
          <ProgressBar
            testId="open-progress"
            value={opening.upload !== null && !opening.progress ? opening.upload : opening.progress ? opening.progress.index / Math.max(1, opening.progress.total) : null}
            label={opening.progress ? `Step ${opening.progress.index}/${opening.progress.total}: ${opening.progress.step}` : opening.label}
          />
        </Card>
      )}
      {!model && !opening && <EmptyModelState />}
      {model && model.format === 'onnx' && model.onnx && (
        <InspectView report={model} summary={model.onnx} validation={<ValidationCard />} />
      )}
      {model && model.format !== 'onnx' && <ConversionView report={model} />}
      {model && (
        <div className="screen-foot">
          {model.format === 'onnx' && <button type="button" className="button" onClick={() => void wb.browse()} data-testid="open-another">Open another model…</button>}
          <button type="button" className="button button-quiet" onClick={wb.closeModel} data-testid="close-model">Close model</button>
        </div>
      )}
    </div>
  );
}
