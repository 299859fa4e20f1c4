import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { BuildRecord, ImageBuildProgress } from '../../../shared/schemas/docker';
import { Card } from '../../components/Card';
import { CopyButton } from '../../components/CopyButton';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ProgressBar } from '../../components/ProgressBar';
import { Stat } from '../../components/Stat';
import { bytesText, formatBytes, formatMs } from '../../format';
import { ansiToNodes } from './ansi-text';
import type { ImageBuild } from './use-image-build';

/** A build in progress (steps, cache hits, raw log, cancel) or the summary of the one that finished. */
export function BuildCard({ build, onRun }: { build: ImageBuild; onRun: (record: BuildRecord) => void }) {
  const { running, progress, steps, lines, result, error, cancelled } = build;
  const [logOpen, setLogOpen] = useState(false);
  // The steps show while building; afterwards the summary speaks and the steps fold away.
  const [stepsOpen, setStepsOpen] = useState(false);
  // A failed build opens its log: the last lines usually say why.
  useEffect(() => { if (error) setLogOpen(true); }, [error]);
  // A new build brings its card into view, wherever the user had scrolled to.
  const card = useRef<HTMLDivElement>(null);
  useEffect(() => { if (running) card.current?.scrollIntoView({ block: 'nearest' }); }, [running]);
  if (!running && !result && !error && !cancelled && lines.length === 0) return null;
  const cachedCount = steps.filter((s) => s.cached).length;
  return (
    <div ref={card}>
    <Card
      title={running ? 'Building the image' : result ? 'Image built' : cancelled ? 'Build cancelled' : 'Build failed'}
      subtitle={running ? 'Docker follows the Dockerfile step by step; steps it has done before come from its cache.' : undefined}
      testId="build-card"
      className="build-card"
    >
      {running && (
        <div className="progress-with-cancel">
          <ProgressBar testId="build-progress" value={progress ? progress.fraction : null} label={progressLabel(progress)} />
          <button type="button" className="button" onClick={build.cancel} data-testid="build-cancel">Cancel</button>
        </div>
      )}
      {cancelled && !running && (
        <p className="muted" data-testid="build-cancelled">Stopped before it finished. Nothing half-built was kept; the previous versions are untouched.</p>
      )}
      {error && !running && <ErrorBanner error={error} onDismiss={build.dismiss} testId="build-error" />}
      {result && !running && <BuildSummary record={result} onRun={onRun} />}

      {steps.length > 0 && (
        <details className="disclosure build-steps-disclosure" open={running || stepsOpen} onToggle={(e) => { if (!running) setStepsOpen((e.target as HTMLDetailsElement).open); }}>
        <summary data-testid="build-steps-toggle">Steps: {steps.length}{progress?.stepTotal ? ` of ${progress.stepTotal}` : ''}, {cachedCount} from the cache</summary>
        <ol className="build-steps" data-testid="build-steps" data-cached={cachedCount}>
          {steps.map((s) => {
            const current = running && progress?.stepIndex === s.index;
            return (
              <li key={s.index} className={`build-step ${current ? 'build-step-current' : ''}`} data-testid="build-step" data-cached={s.cached}>
                <span className="build-step-index">{s.index}</span>
                <span className="mono build-step-text" title={s.text}>{s.text}</span>
                {s.cached ? <span className="chip chip-cached" data-testid="step-cached">cached</span> : current ? <span className="spinner" aria-hidden="true" /> : null}
              </li>
            );
          })}
        </ol>
        </details>
      )}

      <details className="disclosure build-log-disclosure" open={logOpen} onToggle={(e) => setLogOpen((e.target as HTMLDetailsElement).open)} data-testid="build-log-toggle">
        <summary>Docker's output ({lines.length.toLocaleString('en-US')} lines)</summary>
        {logOpen && <BuildLog lines={lines} />}
      </details>
    </Card>
    </div>
  );
}

function progressLabel(progress: ImageBuildProgress | null): string {
  if (!progress) return 'Preparing the build…';
  if (progress.phase === 'build' && progress.stepText) return `${progress.stepText}${progress.cached ? ' (cached)' : ''}`;
  return progress.stepText ?? (progress.phase === 'context' ? 'Packing the files for Docker' : progress.phase === 'inspect' ? 'Reading the finished image' : 'Building…');
}

function BuildLog({ lines }: { lines: string[] }) {
  const box = useRef<HTMLPreElement>(null);
  useLayoutEffect(() => {
    const element = box.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [lines]);
  return (
    <pre className="log-box mono build-log" ref={box} data-testid="build-log" data-count={lines.length}>
      {lines.map((line, i) => <div key={i} className="build-log-line">{ansiToNodes(line)}</div>)}
    </pre>
  );
}

function BuildSummary({ record, onRun }: { record: BuildRecord; onRun: (record: BuildRecord) => void }) {
  const duration = formatMs(record.buildMs);
  const size = formatBytes(record.sizeBytes);
  const overBase = record.baseSizeBytes !== null ? record.sizeBytes - record.baseSizeBytes : null;
  return (
    <div className="build-summary" data-testid="build-summary">
      <div className="build-reference">
        <span className="mono build-reference-name" data-testid="build-reference">{record.reference}</span>
        <CopyButton text={record.reference} label="Copy name" testId="build-reference-copy" />
        <span className="spacer" />
        <button type="button" className="button button-primary" onClick={() => onRun(record)} data-testid="build-run">Run it in a container →</button>
      </div>
      <div className="stat-grid stat-grid-4">
        <Stat label="Build time" value={duration.value} unit={duration.unit} testId="build-duration" />
        <Stat label="Image size" value={size.value} unit={size.unit} testId="build-size"
          hint={overBase !== null ? `${bytesText(overBase)} on top of the base image` : undefined} />
        <Stat label="Reused from cache" value={`${record.cachedSteps}/${record.totalSteps}`} unit="steps" testId="build-cached"
          hint="Steps Docker did not have to redo: with a new model version, everything but the model layer." />
        <Stat label="Image id" value={record.imageId.replace(/^sha256:/, '').slice(0, 12)} mono testId="build-image-id" hint={record.imageId} />
      </div>
      {overBase !== null && (
        <p className="muted small" data-testid="build-over-base">{bytesText(overBase)} on top of the base image ({bytesText(record.baseSizeBytes ?? 0)}), of which your model is {bytesText(record.modelBytes)}.</p>
      )}
    </div>
  );
}
