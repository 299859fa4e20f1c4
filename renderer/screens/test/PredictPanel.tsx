import { useCallback, useEffect, useRef, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { InputSource, PredictResponse } from '../../../shared/schemas/inference';
import type { ModelReport, OnnxSummary, ValueInfo } from '../../../shared/schemas/model';
import { api } from '../../api/client';
import { errorInfoOf } from '../../api/api-error';
import { Card } from '../../components/Card';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ProgressBar } from '../../components/ProgressBar';
import { ShapeBadge, TypeChip } from '../../components/TensorBadges';
import { Why } from '../../components/Why';
import { tensorJson } from '../../tensor-text';
import { usePrimaryAction } from '../../state/primary-action';
import { useWorkbench } from '../../state/workbench';
import { loadDraft, saveDraft, type PredictDraft } from './drafts';
import { PredictResults } from './PredictResults';

type Fill = 'sample' | 'random' | 'zeros';
const FILE_TYPES = '.json,.csv,.npy,.pb,.png,.jpg,.jpeg';

/** A form generated from the model's inputs; runs 'inference.predict' and shows the results. */
export function PredictPanel({ model, summary, active }: { model: ModelReport; summary: OnnxSummary; active: boolean }) {
  const { reportTestOutcome } = useWorkbench();
  const tensorInputs = summary.inputs;
  const [draft, setDraft] = useState<PredictDraft>(() => loadDraft(model.path) ?? {
    mode: 'per-input', texts: {}, files: {}, instances: '', repeat: 20,
  });
  const [filling, setFilling] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [uploading, setUploading] = useState<{ name: string; fraction: number } | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [result, setResult] = useState<PredictResponse | null>(null);

  useEffect(() => {
    saveDraft(model.path, draft);
  }, [model.path, draft]);

  const fill = useCallback(async (kind: Fill, only?: string) => {
    setFilling(only ?? '*');
    try {
      const { inputs } = await api.call('inference.sampleInputs', { modelPath: model.path, fill: kind });
      setDraft((d) => {
        const texts = { ...d.texts };
        const files = { ...d.files };
        for (const tensor of inputs) {
          if (only && tensor.name !== only) continue;
          texts[tensor.name] = tensorJson(tensor);
          delete files[tensor.name];
        }
        const instances = !only ? instancesText(inputs.map((t) => ({ name: t.name, text: tensorJson(t) }))) : d.instances;
        return { ...d, texts, files, instances: d.instances && only ? d.instances : instances };
      });
    } catch (e) {
      setError(errorInfoOf(e));
    } finally {
      setFilling(null);
    }
  }, [model.path]);

  // First visit: prefill with sample values so "Run prediction" works straight away.
  const prefilled = useRef(Object.keys(draft.texts).length > 0);
  useEffect(() => {
    if (prefilled.current) return;
    prefilled.current = true;
    void fill('sample');
  }, [fill]);

  async function loadFile(input: ValueInfo, file: File) {
    setUploading({ name: input.name, fraction: 0 });
    try {
      const path = await api.pathForFile(file, (fraction) => setUploading({ name: input.name, fraction }));
      setDraft((d) => ({ ...d, files: { ...d.files, [input.name]: { path, name: file.name } } }));
    } catch (e) {
      setError(errorInfoOf(e));
    } finally {
      setUploading(null);
    }
  }

  async function predict() {
    setRunning(true);
    setError(null);
    const inputs: InputSource[] = draft.mode === 'instances'
      ? [{ kind: 'json', text: draft.instances }]
      : tensorInputs.map((input) => {
        const file = draft.files[input.name];
        return file ? { kind: 'file', name: input.name, path: file.path } : { kind: 'json', name: input.name, text: draft.texts[input.name] ?? '' };
      });
    try {
      const response = await api.call('inference.predict', { modelPath: model.path, inputs, repeat: draft.repeat, topK: 5 });
      setResult(response);
      reportTestOutcome(model.path, 'done');
    } catch (e) {
      // What the user typed stays as it was; only the banner explains the problem.
      setError(errorInfoOf(e));
      reportTestOutcome(model.path, 'error');
    } finally {
      setRunning(false);
    }
  }

  usePrimaryAction(active ? {
    label: running ? 'Running…' : 'Run prediction',
    run: () => void predict(),
    busy: running,
    disabled: !!filling || !!uploading,
    testId: 'predict-button',
  } : null);

  return (
    <div
      className="stack"
      data-testid="predict-panel"
      data-filling={String(!!filling)}
      data-filled={String(tensorInputs.every((i) => (draft.texts[i.name] ?? '').trim() !== '' || !!draft.files[i.name]))}
    >
      <Card
        title="Inputs"
        subtitle="Values for each model input, as JSON nested arrays shaped like the input. Press Run prediction (Ctrl+Enter) when ready."
        actions={
          <div className="segmented" role="radiogroup" aria-label="Input mode">
            <button type="button" role="radio" aria-checked={draft.mode === 'per-input'} className="segment" onClick={() => setDraft({ ...draft, mode: 'per-input' })} data-testid="mode-per-input">Per input</button>
            <button type="button" role="radio" aria-checked={draft.mode === 'instances'} className="segment" onClick={() => setDraft({ ...draft, mode: 'instances' })} data-testid="mode-instances">Paste instances JSON</button>
          </div>
        }
      >
        {draft.mode === 'per-input' ? (
          <div className="input-list">
            {tensorInputs.map((input) => (
              <InputEditor
                key={input.name}
                input={input}
                text={draft.texts[input.name] ?? ''}
                file={draft.files[input.name]}
                busy={filling === '*' || filling === input.name}
                uploading={uploading?.name === input.name ? uploading.fraction : null}
                onText={(text) => setDraft((d) => ({ ...d, texts: { ...d.texts, [input.name]: text } }))}
                onFill={(kind) => void fill(kind, input.name)}
                onFile={(file) => void loadFile(input, file)}
                onClearFile={() => setDraft((d) => { const files = { ...d.files }; delete files[input.name]; return { ...d, files }; })}
              />
            ))}
          </div>
        ) : (
          <div className="field">
            <label htmlFor="instances-json" className="field-label">Request body</label>
            <p className="field-help">
              The form a served model receives: <code className="mono">{'{"instances": [[5.1, 3.5, 1.4, 0.2], …]}'}</code>, one entry per row.
              For several inputs, each instance is an object keyed by input name.
            </p>
            <textarea
              id="instances-json"
              className="json-editor mono"
              value={draft.instances}
              onChange={(e) => setDraft({ ...draft, instances: e.target.value })}
              spellCheck={false}
              rows={8}
              data-testid="instances-json"
            />
          </div>
        )}
        <div className="form-row">
          <div className="field field-inline">
            <label htmlFor="repeat" className="field-label">Repeat</label>
            <input id="repeat" className="input input-number" type="number" min={1} max={10000} value={draft.repeat}
              onChange={(e) => setDraft({ ...draft, repeat: clampInt(e.target.value, 1, 10000, 1) })} data-testid="repeat-input" />
            <span className="field-help">Runs the same inputs this many times for the latency figures; the first run (which warms up caches) is reported apart.</span>
          </div>
        </div>
      </Card>
      {running && <Card><ProgressBar value={null} label={`Running the model ${draft.repeat} ${draft.repeat === 1 ? 'time' : 'times'}…`} testId="predict-progress" /></Card>}
      {error && <ErrorBanner error={error} onDismiss={() => setError(null)} />}
      {result && <PredictResults result={result} />}
    </div>
  );
}

interface InputEditorProps {
  input: ValueInfo;
  text: string;
  file?: { path: string; name: string };
  busy: boolean;
  uploading: number | null;
  onText: (text: string) => void;
  onFill: (kind: Fill) => void;
  onFile: (file: File) => void;
  onClearFile: () => void;
}

function InputEditor({ input, text, file, busy, uploading, onText, onFill, onFile, onClearFile }: InputEditorProps) {
  const fileRef = useRef<HTMLInputElement>(null);
  const id = `input-${input.name}`;
  return (
    <div className="input-editor" data-testid={`input-row-${input.name}`}>
      <div className="input-editor-head">
        <label htmlFor={id} className="mono strong">{input.name}</label>
        {input.kind === 'tensor' ? <TypeChip type={input.elementType ?? 'unknown'} /> : <span className="chip chip-warning mono">{input.typeText}</span>}
        <ShapeBadge shape={input.shape} />
        <div className="spacer" />
        <div className="button-row" role="group" aria-label={`Fill ${input.name}`}>
          <button type="button" className="button button-small" onClick={() => onFill('sample')} disabled={busy} data-testid={`fill-sample-${input.name}`} title="Plausible values for this type and shape">Sample</button>
          <button type="button" className="button button-small" onClick={() => onFill('random')} disabled={busy} data-testid={`fill-random-${input.name}`}>Random</button>
          <button type="button" className="button button-small" onClick={() => onFill('zeros')} disabled={busy} data-testid={`fill-zeros-${input.name}`}>Zeros</button>
          <button type="button" className="button button-small" onClick={() => fileRef.current?.click()} data-testid={`load-file-${input.name}`}>Load file…</button>
          <input ref={fileRef} type="file" accept={FILE_TYPES} hidden data-testid={`file-input-${input.name}`}
            onChange={(e) => { const f = e.target.files?.[0]; if (f) onFile(f); e.target.value = ''; }} />
        </div>
      </div>
      {uploading !== null && <ProgressBar value={uploading} label="Sending the file to ModelDock" />}
      {file ? (
        <div className="file-source" data-testid={`input-file-${input.name}`}>
          <span className="chip">file</span>
          <span className="mono">{file.name}</span>
          <span className="muted small">read by the engine: JSON, CSV (header row = feature names), .npy, TensorProto .pb, or an image</span>
          <div className="spacer" />
          <button type="button" className="button button-small button-quiet" onClick={onClearFile}>Use JSON instead</button>
        </div>
      ) : (
        <textarea
          id={id}
          className="json-editor mono"
          value={text}
          onChange={(e) => onText(e.target.value)}
          spellCheck={false}
          rows={Math.min(10, Math.max(3, text.split('\n').length))}
          aria-busy={busy}
          data-testid={`input-json-${input.name}`}
        />
      )}
      {input.shape && input.shape.some((d) => typeof d !== 'number') && (
        <Why summary="Shape help">
          Dimensions shown in the accent colour ({input.shape.filter((d) => typeof d !== 'number').join(', ')}) can be any size.
          For a batch dimension, put one row per example: two rows give two predictions.
        </Why>
      )}
    </div>
  );
}

function instancesText(inputs: { name: string; text: string }[]): string {
  try {
    if (inputs.length === 1) return JSON.stringify({ instances: JSON.parse(inputs[0].text) });
    const parsed = inputs.map((i) => ({ name: i.name, value: JSON.parse(i.text) as unknown[] }));
    const rows = Array.isArray(parsed[0]?.value) ? parsed[0].value.length : 0;
    const instances = Array.from({ length: rows }, (_, r) => Object.fromEntries(parsed.map((p) => [p.name, Array.isArray(p.value) ? p.value[r] : p.value])));
    return JSON.stringify({ instances });
  } catch {
    return '';
  }
}

function clampInt(text: string, min: number, max: number, fallback: number): number {
  const n = Math.round(Number(text));
  return Number.isFinite(n) ? Math.max(min, Math.min(max, n)) : fallback;
}
