import { useEffect, useMemo, useRef, useState } from 'react';
import type { ErrorInfo } from '../../../shared/errors';
import type { ServeTryResponse, TryExample, TryImage, TryImageOther, TryProtocol } from '../../../shared/schemas/serve';
import { api } from '../../api/client';
import { errorInfoOf } from '../../api/api-error';
import { Card } from '../../components/Card';
import { CodeBlock } from '../../components/CodeBlock';
import { ErrorBanner } from '../../components/ErrorBanner';
import { msText } from '../../format';
import { PROTOCOLS } from './protocols';
import { TryPhoto, type ChosenPhoto } from './TryPhoto';

type Drafts = Partial<Record<TryProtocol, string>>;

/**
 * Send the running server a request in each protocol it speaks, as a client would: the body is prefilled from the
 * model's inputs and editable, and the exact curl command follows what is in the editor.
 */
/** Where requests go instead of the local server (a container): its URL, how to send, and what to say while it is down. */
export interface TryTarget {
  send(protocol: TryProtocol, body: string | undefined, image?: TryImage): Promise<ServeTryResponse>;
  /** Examples and curl commands point here instead of the local server's address. */
  baseUrl: string | null;
  subtitle: string;
  notReadyText: string;
  testId: string;
}

export function TryPanel({ modelPath, serverUrl, ready, target }: { modelPath: string; serverUrl: string | null; ready: boolean; target?: TryTarget }) {
  const [protocol, setProtocol] = useState<TryProtocol>('lesson');
  const [drafts, setDrafts] = useState<Drafts>({});
  const [example, setExample] = useState<TryExample | null>(null);
  const [exampleError, setExampleError] = useState<string | null>(null);
  const [results, setResults] = useState<Partial<Record<string, ServeTryResponse>>>({});
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [sending, setSending] = useState(false);
  // An image model can be tried with a photo instead of values; the engine says which input takes it.
  const [imageInput, setImageInput] = useState<string | null>(null);
  const [mode, setMode] = useState<'values' | 'photo'>('values');
  const [photo, setPhoto] = useState<ChosenPhoto | null>(null);
  // The values typed for the model's other inputs (those it takes beside the photo), by input name.
  const [imageOthers, setImageOthers] = useState<TryImageOther[]>([]);
  const [otherValues, setOtherValues] = useState<Record<string, string>>({});
  const requestId = useRef(0);
  const info = PROTOCOLS.find((p) => p.id === protocol)!;
  const body = drafts[protocol];
  const image = useMemo<TryImage | undefined>(() => {
    if (mode !== 'photo' || !photo) return undefined;
    if (!imageOthers.length) return photo.image;
    return { ...photo.image, values: Object.fromEntries(imageOthers.map((o) => [o.name, otherValues[o.name] ?? o.sample])) };
  }, [mode, photo, imageOthers, otherValues]);
  const resultKey = `${mode}:${protocol}`;

  // The sample body for a protocol the user has not edited yet, and the curl command for whatever is in the editor
  // (or for the chosen photo).
  useEffect(() => {
    const id = ++requestId.current;
    const timer = setTimeout(async () => {
      try {
        const answer = await api.call('serve.example', { modelPath, protocol, body: image ? undefined : body, image });
        if (id !== requestId.current) return;
        setExample(answer);
        setExampleError(null);
        setImageInput(answer.imageInput);
        // Kept as is when unchanged, so the photo request above is not rebuilt (and asked for again) by every answer.
        setImageOthers((current) => (JSON.stringify(current) === JSON.stringify(answer.imageOthers) ? current : answer.imageOthers));
        if (body === undefined && !image) setDrafts((d) => (d[protocol] === undefined ? { ...d, [protocol]: answer.body } : d));
      } catch (e) {
        if (id === requestId.current) setExampleError(errorInfoOf(e).message);
      }
    }, body === undefined || image ? 0 : 300);
    return () => clearTimeout(timer);
  }, [modelPath, protocol, body, serverUrl, image]);

  async function send() {
    setSending(true);
    setError(null);
    try {
      const sentBody = image ? undefined : body;
      const answer = target ? await target.send(protocol, sentBody, image) : await api.call('serve.try', { modelPath, protocol, body: sentBody, image });
      setResults((r) => ({ ...r, [resultKey]: answer }));
    } catch (e) {
      setError(errorInfoOf(e));
    } finally {
      setSending(false);
    }
  }

  function resetBody() {
    setDrafts((d) => ({ ...d, [protocol]: undefined }));
  }

  const result = results[resultKey];
  const shownExample = example?.protocol === protocol ? rebased(example, target?.baseUrl ?? null) : null;
  const photoMode = mode === 'photo' && imageInput !== null;
  return (
    <Card
      title="Try it"
      subtitle={target?.subtitle ?? 'Send the running server a request the way a client would, in each protocol it speaks.'}
      testId={target?.testId ?? 'try-panel'}
    >
      <div className="tabs" role="tablist" aria-label="Protocol">
        {PROTOCOLS.map((p) => (
          <button key={p.id} type="button" role="tab" className="tab" aria-selected={protocol === p.id}
            aria-controls="try-body" onClick={() => setProtocol(p.id)} data-testid={`try-tab-${p.id}`}>
            {p.tab}
          </button>
        ))}
      </div>
      <div className="try-body" id="try-body" role="tabpanel" data-protocol={protocol}>
        <p className="try-explain" data-testid="try-explain">{photoMode ? info.photoExplain : info.explain}</p>
        <div className="try-endpoint">
          <span className="chip chip-type">POST</span>
          <span className="mono try-url" data-testid="try-url">{shownExample?.url ?? '…'}</span>
        </div>
        {imageInput && (
          <div className="segmented try-mode" role="radiogroup" aria-label="What to send">
            <button type="button" role="radio" aria-checked={!photoMode} className="segment" onClick={() => setMode('values')} data-testid="try-mode-values">Values (JSON)</button>
            <button type="button" role="radio" aria-checked={photoMode} className="segment" onClick={() => setMode('photo')} data-testid="try-mode-photo">A photo</button>
          </div>
        )}
        {photoMode ? (
          <TryPhoto input={imageInput!} photo={photo} onPhoto={setPhoto} requestShape={image && shownExample ? shownExample.body : null}
            others={imageOthers} values={otherValues} onValue={(name, text) => setOtherValues((v) => ({ ...v, [name]: text }))} />
        ) : (
          <div className="field">
            <span className="field-label-row">
              <span className="field-label">Request body</span>
              <button type="button" className="link-button" onClick={resetBody} disabled={drafts[protocol] === undefined} data-testid="try-reset">Reset to sample</button>
            </span>
            <textarea
              className="json-editor mono try-editor"
              spellCheck={false}
              value={body ?? ''}
              rows={Math.min(14, Math.max(5, (body ?? '').split('\n').length + 1))}
              onChange={(e) => setDrafts((d) => ({ ...d, [protocol]: e.target.value }))}
              data-testid="try-body"
              aria-label="Request body"
            />
            <span className="field-help">Sample values generated from the model's inputs; replace them with a real example.</span>
          </div>
        )}
        <div className="try-actions">
          <button type="button" className="button button-primary" onClick={send} disabled={!ready || sending || (photoMode ? !photo : body === undefined)} data-testid="try-send">
            {sending && <span className="spinner" aria-hidden="true" />}
            Send
          </button>
          {!ready && <span className="muted">{target?.notReadyText ?? 'Start the server to send requests.'}</span>}
          {ready && photoMode && !photo && <span className="muted">Choose a photo to send.</span>}
        </div>
        {error && <ErrorBanner error={error} onDismiss={() => setError(null)} testId="try-error" />}
        {result && <TryResult result={result} />}
        <div className="try-curl">
          <h3 className="section-title">The same request with curl</h3>
          {exampleError
            ? <p className="muted" data-testid="try-curl-problem">{exampleError}</p>
            : photoMode && !photo
              ? <p className="muted">Choose a photo: the command sends that file.</p>
              : <CodeBlock code={shownExample?.curl ?? '…'} language="shell" testId="try-curl" />}
          {shownExample?.note && !(photoMode && !photo) && <p className="field-help" data-testid="try-note">{shownExample.note}</p>}
        </div>
      </div>
    </Card>
  );
}

/** The engine's example names the local server's address; a container listens elsewhere. */
function rebased(example: TryExample, baseUrl: string | null): TryExample {
  if (!baseUrl) return example;
  let origin: string;
  try { origin = new URL(example.url).origin; } catch { return example; }
  if (origin === baseUrl) return example;
  return { ...example, url: example.url.split(origin).join(baseUrl), curl: example.curl.split(origin).join(baseUrl) };
}

function TryResult({ result }: { result: ServeTryResponse }) {
  const ok = result.status >= 200 && result.status < 300;
  const { prediction } = result;
  return (
    <div className="try-result" data-testid="try-result" data-status={result.status}>
      <div className="try-result-head">
        <span className={`chip ${ok ? 'chip-ok' : 'chip-bad'}`} data-testid="try-status">{result.status} {result.statusText}</span>
        <span className="muted" data-testid="try-time">{msText(result.ms)}</span>
        <span className="muted">{result.bodyBytes.toLocaleString('en-US')} bytes</span>
        {prediction && (
          <span className="try-prediction" data-testid="try-prediction">
            Top class: <strong data-testid="try-prediction-label">{prediction.label ?? `class ${prediction.index}`}</strong>
            {prediction.score !== null && <span className="muted"> ({prediction.score.toFixed(3)})</span>}
          </span>
        )}
      </div>
      <pre className="mono try-response" data-testid="try-response">{result.body}</pre>
      {result.truncated && <p className="field-help">The answer is longer; only its start is shown.</p>}
      <details className="disclosure">
        <summary>Headers</summary>
        <pre className="mono detail-text" data-testid="try-headers">
          {`${result.request.method} ${result.request.url}\n${Object.entries(result.request.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n`}
          {`HTTP ${result.status} ${result.statusText}\n${Object.entries(result.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}`}
        </pre>
      </details>
    </div>
  );
}
