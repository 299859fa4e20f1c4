import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { ModelReport } from '../../../shared/schemas/model';
import { CONVERT_PHASES, type ConvertPhase, type PythonInterpreter } from '../../../shared/schemas/convert';
import { Card } from '../../components/Card';
import { CodeBlock } from '../../components/CodeBlock';
import { CopyButton } from '../../components/CopyButton';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ProgressBar } from '../../components/ProgressBar';
import { Why } from '../../components/Why';
import { useWorkbench } from '../../state/workbench';
import { ansiToNodes } from '../package/ansi-text';
import { ConvertResultView } from './ConvertResultView';
import { RiskConfirmDialog } from './RiskConfirmDialog';
import { parseShape } from './shape-text';
import { useConversion, type LogLine, type RecipeInputs } from './use-conversion';
import { useKeepMountedWhile } from '../../state/screen-slots';

const PHASE_LABELS: Record<ConvertPhase, string> = {
  checking: 'checking Python and the packages',
  loading: 'loading the model in Python',
  exporting: 'exporting to ONNX',
  reference: 'computing the original model\'s outputs',
  opening: 'opening the ONNX model',
  comparing: 'comparing the outputs',
  done: 'done',
};

const OTHER = '__other__';

/**
 * The way to ONNX: the recipe to copy, the Python that runs it and the packages it needs, a Convert button that
 * streams the script's output, a confirmation before loading a file the scan did not clear, and the result.
 */
export function ConvertCard({ report }: { report: ModelReport }) {
  const wb = useWorkbench();
  const conversion = useConversion(report.path);
  useKeepMountedWhile(conversion.running);
  const { plan, planning, planError, running, result, runError, cancelled, lines } = conversion;
  const [pythonPath, setPythonPath] = useState<string | null>(null);
  const [otherPath, setOtherPath] = useState('');
  const [choosingOther, setChoosingOther] = useState(false);
  const [shapeText, setShapeText] = useState('');
  // Once the user edits the shape it is theirs: sent with every plan and run, instead of the engine's guess.
  const [shapeTouched, setShapeTouched] = useState(false);
  const [modelClass, setModelClass] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [logOpen, setLogOpen] = useState(false);

  // The plan's interpreter is the default choice until the user picks one.
  const chosen = pythonPath ?? plan?.python?.path ?? null;
  const interpreters = plan?.interpreters ?? [];
  const python = interpreters.find((i) => i.path === chosen) ?? (plan?.python?.path === chosen ? plan.python : null);

  // The shape field starts from what Python found (or guessed) in the file.
  useEffect(() => {
    const inputs = plan?.discovery?.inputs;
    if (inputs?.length === 1 && !shapeText) setShapeText(inputs[0].shape.join(', '));
  }, [plan]); // eslint-disable-line react-hooks/exhaustive-deps

  // The log is open while Python works and when it failed; a success folds it away under the result.
  useEffect(() => { if (running) setLogOpen(true); }, [running]);
  useEffect(() => { if (result) setLogOpen(false); }, [result]);
  useEffect(() => { if (runError) setLogOpen(true); }, [runError]);

  const shape = parseShape(shapeText);
  const inputs = (): RecipeInputs => ({
    ...(chosen ? { pythonPath: chosen } : {}),
    ...(shape && shapeTouched ? { inputShape: shape } : {}),
    ...(modelClass.trim() ? { modelClass: modelClass.trim() } : {}),
  });

  function choose(value: string) {
    if (value === OTHER) { setChoosingOther(true); return; }
    setChoosingOther(false);
    setPythonPath(value);
    conversion.replan({ ...inputs(), pythonPath: value });
  }

  function applyOther() {
    const typed = otherPath.trim();
    if (!typed) return;
    setPythonPath(typed);
    conversion.replan({ ...inputs(), pythonPath: typed });
  }

  function start(acceptRisk: boolean) {
    if (!chosen) return;
    setConfirming(false);
    void conversion.run({ ...inputs(), pythonPath: chosen, acceptRisk });
  }

  const blockers = plan?.blockers ?? [];
  const canConvert = !!plan?.recipe && !!chosen && !planning && !running && blockers.length === 0;
  const needsRisk = plan?.needsRiskAcceptance ?? (report.scan ? report.scan.verdict !== 'safe' : true);
  const dangerous = (plan?.scan ?? report.scan)?.verdict === 'dangerous';
  const recipe = plan?.recipe ?? report.conversion?.snippet ?? null;
  // Weights-only files, and a whole model whose class Python could not import, need the user to name the class.
  const classMissing = !!runError && /class/i.test(`${runError.code} ${runError.title}`);
  const showClassField = !!plan && (!!plan.discovery?.stateDict || !!modelClass || classMissing || blockers.some((b) => /class/i.test(b)));
  const showShapeField = !!plan && plan.converter === 'torch.onnx';
  const guessed = plan?.discovery?.inputs.some((i) => i.guessed) ?? false;
  // Open when the user must answer (a class to name, a shape the engine guessed or could not find); folded otherwise.
  const askDetails = showClassField || guessed || blockers.some((b) => /shape|input/i.test(b));
  // A missing package is already said by the pip command beside the packages; the other blockers are listed.
  const pipCommand = plan?.needs.pipCommand ?? null;
  const otherBlockers = blockers.filter((b) => !(pipCommand && b.includes(pipCommand)) && !(plan?.needs.missing.length && /^missing\b/i.test(b)));

  return (
    <Card
      title="Convert it to ONNX"
      subtitle={report.conversion?.summary ?? 'ModelDock runs the recipe below with a Python of yours, then checks the ONNX model against the original.'}
      testId="convert-card"
      className="convert-card"
    >
      {planError && <ErrorBanner error={planError} testId="convert-plan-error" />}

      <section className="convert-section" aria-label="Recipe">
        <div className="convert-section-head">
          <h3 className="convert-section-title">1. The recipe</h3>
          {plan && (
            <span className="muted small" data-testid="convert-converter">
              {plan.converter ?? 'no converter'} · opset {plan.opset.opset}
            </span>
          )}
        </div>
        <p className="convert-help">
          {plan?.recipe
            ? <>A complete script: save it as <code>{plan.recipeFileName}</code> and run it yourself, or press Convert below to run it here.</>
            : 'Run this where you trained the model, then open the .onnx file it writes.'}
        </p>
        {plan?.discovery && plan.discovery.inputs.length > 0 && (
          <p className="convert-help" data-testid="convert-discovered">
            Example input{plan.discovery.inputs.length === 1 ? '' : 's'}:{' '}
            {plan.discovery.inputs.map((input) => (
              <span key={input.name} className="mono">{input.name} [{input.shape.join(', ')}] {input.dtype}{input.guessed ? ' (guessed)' : ''} </span>
            ))}
            {plan.discovery.className && <> · loaded as <span className="mono">{plan.discovery.className}</span></>}
          </p>
        )}
        {(showShapeField || showClassField) && (
          <details className="disclosure convert-details" open={askDetails} data-testid="convert-details">
            <summary>{askDetails ? 'What the file does not say' : 'Set the example input yourself'}</summary>
            <div className="convert-details-body">
              {showClassField && (
                <label className="field">
                  <span className="field-label">Model class</span>
                  <span className="field-help">
                    {plan?.discovery?.stateDict || !classMissing ? 'This file holds weights only. ' : 'Python could not import the class this model was saved with. '}
                    Name the class that defines the network: <code>my_project.models:Net</code> or <code>/path/to/model.py:Net</code>.
                  </span>
                  <input className="input mono convert-field" value={modelClass} onChange={(e) => setModelClass(e.target.value)} placeholder="my_project.models:Net" data-testid="convert-model-class" />
                </label>
              )}
              {showShapeField && (
                <label className="field">
                  <span className="field-label">Example input shape</span>
                  <span className="field-help">
                    Batch first; the batch axis stays dynamic in the ONNX model.{guessed ? ' ModelDock guessed this one: check it.' : ''}
                  </span>
                  <input className="input mono convert-field" value={shapeText} onChange={(e) => { setShapeText(e.target.value); setShapeTouched(true); }} placeholder="1, 3, 224, 224" data-testid="convert-input-shape" aria-invalid={shapeText !== '' && !shape} />
                </label>
              )}
              <div>
                <button type="button" className="button button-small" disabled={planning || (shapeText !== '' && !shape)} onClick={() => conversion.replan(inputs())} data-testid="convert-apply">Update the recipe</button>
              </div>
            </div>
          </details>
        )}
        {recipe && <CodeBlock code={recipe} language="python" testId="conversion-snippet" />}
        {plan && (
          <Why summary="Why this opset?">
            {plan.opset.reason} The bundled ONNX Runtime runs opsets up to {plan.opset.runtimeMax}
            {plan.opset.converterMax !== null ? `; the installed converter writes up to ${plan.opset.converterMax}` : ''}.
          </Why>
        )}
      </section>

      <section className="convert-section" aria-label="Python">
        <div className="convert-section-head">
          <h3 className="convert-section-title">2. The Python that runs it</h3>
          {planning && <span className="muted small convert-checking" data-testid="convert-planning"><span className="spinner" aria-hidden="true" /> Checking…</span>}
        </div>
        <p className="convert-help">Pick the environment you trained in: it has the right library versions. Found on PATH, in venvs near the model, conda and pyenv.</p>
        <div className="python-row">
          <select
            className="input python-select mono"
            value={choosingOther ? OTHER : chosen ?? ''}
            onChange={(e) => choose(e.target.value)}
            disabled={running || (!plan && planning)}
            data-testid="python-select"
            aria-label="Python interpreter"
          >
            {!plan && <option value="">{planning ? 'Looking for Python interpreters…' : 'No interpreter found'}</option>}
            {plan && !chosen && <option value="">Choose an interpreter…</option>}
            {chosen && !interpreters.some((i) => i.path === chosen) && <option value={chosen}>{chosen}</option>}
            {interpreters.map((i) => (
              <option key={i.path} value={i.path} disabled={!i.usable}>{interpreterText(i)}</option>
            ))}
            <option value={OTHER}>Other interpreter…</option>
          </select>
          <button type="button" className="button" disabled={planning || running} onClick={() => conversion.replan(inputs(), true)} data-testid="python-refresh">Look again</button>
        </div>
        {choosingOther && (
          <div className="python-row">
            <input
              className="input mono python-custom"
              value={otherPath}
              onChange={(e) => setOtherPath(e.target.value)}
              onKeyDown={(e) => { if (e.key === 'Enter') applyOther(); }}
              placeholder="/home/me/project/.venv/bin/python"
              data-testid="python-other-path"
              aria-label="Path of a Python interpreter"
            />
            <button type="button" className="button" onClick={applyOther} disabled={!otherPath.trim()} data-testid="python-other-use">Use it</button>
          </div>
        )}
        {python && !python.usable && <p className="status-text status-text-error">{python.problem ?? 'This interpreter does not start.'}</p>}
      </section>

      {plan && plan.needs.packages.length > 0 && (
        <section className="convert-section" aria-label="Packages">
          <h3 className="convert-section-title">3. The packages it needs</h3>
          <ul className="package-list" data-testid="convert-packages">
            {plan.needs.packages.map((p) => (
              <li
                key={p.name}
                className={`package ${p.present === true ? 'package-present' : p.present === false ? 'package-missing' : ''}`}
                title={p.purpose}
                data-testid={`package-${p.name}`}
                data-present={String(p.present)}
              >
                <span aria-hidden="true">{p.present === true ? '✓' : p.present === false ? '✕' : '·'}</span>
                {p.pipName}
                {p.version && <span className="package-version">{p.version}</span>}
                {p.present === false && <span className="visually-hidden">missing</span>}
              </li>
            ))}
          </ul>
          {plan.needs.pipCommand && (
            <div className="convert-install" data-testid="pip-command-row">
              <p className="convert-help">Missing: {plan.needs.missing.join(', ')}. Install {plan.needs.missing.length === 1 ? 'it' : 'them'} into this Python, then press Look again:</p>
              <div className="inline-command">
                <code data-testid="pip-command">{plan.needs.pipCommand}</code>
                <CopyButton text={plan.needs.pipCommand} label="Copy command" testId="pip-command-copy" />
              </div>
            </div>
          )}
        </section>
      )}

      {plan && (plan.notes.length > 0 || otherBlockers.length > 0) && (
        <ul className="convert-notes" data-testid="convert-notes">
          {otherBlockers.map((b) => <li key={`b-${b}`} className="status-text-error" data-testid="convert-blocker">{b}</li>)}
          {plan.notes.map((n) => <li key={`n-${n}`}>{n}</li>)}
        </ul>
      )}

      <section className="convert-section convert-run" aria-label="Convert">
        <div className="convert-actions">
          <button
            type="button"
            className={`button ${result ? '' : 'button-primary'}`}
            disabled={!canConvert}
            onClick={() => (needsRisk ? setConfirming(true) : start(false))}
            data-testid="convert-button"
          >
            {running ? 'Converting…' : result ? 'Convert again' : !needsRisk ? 'Convert to ONNX' : dangerous ? 'Convert anyway…' : 'Convert to ONNX…'}
          </button>
          {!running && needsRisk && plan && blockers.length === 0 && (
            <span className="convert-blocked" data-testid="convert-risk-note">The scan did not clear this file: you will see what loading it risks and confirm first.</span>
          )}
          {!running && plan && !chosen && <span className="convert-blocked">Choose a Python interpreter first.</span>}
          {!running && plan && chosen && blockers.length > 0 && (
            <span className="convert-blocked" data-testid="convert-blocked">
              {plan.needs.missing.length ? 'Install the missing packages first.' : 'Answer what is asked above first.'}
            </span>
          )}
        </div>

        {running && (
          <div className="progress-with-cancel">
            <ProgressBar
              testId="convert-progress"
              value={conversion.phase ? CONVERT_PHASES.indexOf(conversion.phase) / (CONVERT_PHASES.length - 1) : null}
              label={conversion.phase
                ? `Step ${CONVERT_PHASES.indexOf(conversion.phase) + 1}/${CONVERT_PHASES.length}: ${PHASE_LABELS[conversion.phase]}`
                : 'Starting…'}
            />
            <button type="button" className="button" onClick={conversion.cancel} data-testid="convert-cancel">Cancel</button>
          </div>
        )}
        {cancelled && !running && (
          <p className="muted" data-testid="convert-cancelled">Stopped. The Python process was ended; no ONNX file was kept.</p>
        )}
        {runError && !running && <ErrorBanner error={runError} testId="convert-error" />}

        {result && !running && (
          <ConvertResultView result={result} opening={!!wb.opening} onOpen={() => void wb.openPath(result.onnxPath)} />
        )}
        {(lines.length > 0 || running) && (
          <details className="disclosure convert-log-disclosure" open={logOpen} onToggle={(e) => setLogOpen((e.target as HTMLDetailsElement).open)}>
            <summary data-testid="convert-log-toggle" data-count={lines.length}>
              Python's output ({lines.length.toLocaleString('en-US')} {lines.length === 1 ? 'line' : 'lines'})
              {running && <span className="spinner" aria-hidden="true" />}
            </summary>
            {logOpen && <ConvertLog lines={lines} />}
          </details>
        )}

      </section>

      {confirming && plan && (
        <RiskConfirmDialog
          scan={plan.scan ?? report.scan ?? null}
          riskWarning={plan.riskWarning}
          pythonLabel={python ? interpreterText(python) : chosen ?? 'Python'}
          onCancel={() => setConfirming(false)}
          onAccept={() => start(true)}
        />
      )}
    </Card>
  );
}

function ConvertLog({ lines }: { lines: LogLine[] }) {
  const box = useRef<HTMLPreElement>(null);
  const following = useRef(true);
  useLayoutEffect(() => {
    const element = box.current;
    if (element && following.current) element.scrollTop = element.scrollHeight;
  }, [lines]);
  return (
    <pre
      className="log-box mono convert-log"
      ref={box}
      onScroll={(e) => { const el = e.currentTarget; following.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24; }}
      data-testid="convert-log"
      data-count={lines.length}
      role="log"
    >
      {lines.map((line, i) => (
        <div key={i} className={`convert-log-line convert-log-${line.stream}`}>{ansiToNodes(line.text)}</div>
      ))}
    </pre>
  );
}

function interpreterText(i: PythonInterpreter): string {
  return `${i.label}${i.version ? ` · Python ${i.version}` : ''} · ${i.path}${i.usable ? '' : ` (${i.problem ?? 'not usable'})`}`;
}
