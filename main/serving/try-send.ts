import { ModelDockError } from '../../shared/errors';
import type { ServeTryResponse, TryProtocol } from '../../shared/schemas/serve';
import { formatJson, type PreparedRequest } from './try-protocols';

const MAX_SHOWN_BODY = 256 * 1024;
const TRY_TIMEOUT_MS = 60_000;

type Prediction = ServeTryResponse['prediction'];

/** Sends a prepared request to the local server and describes what came back, as a client would see it. */
export async function sendTry(protocol: TryProtocol, prepared: PreparedRequest, labels: string[] | null): Promise<ServeTryResponse> {
  const bodyBytes = typeof prepared.body === 'string' ? Buffer.byteLength(prepared.body) : prepared.body.length;
  const started = performance.now();
  let response: globalThis.Response;
  let bytes: Buffer;
  try {
    response = await fetch(prepared.url, {
      method: prepared.method,
      headers: prepared.headers,
      body: prepared.body,
      signal: AbortSignal.timeout(TRY_TIMEOUT_MS),
    });
    bytes = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    throw new ModelDockError({
      code: timedOut ? 'try-timeout' : 'try-unreachable',
      title: timedOut ? 'The server did not answer in time' : 'The server did not answer',
      message: timedOut
        ? `No answer from ${prepared.url} within ${TRY_TIMEOUT_MS / 1000} s.`
        : `Sending to ${prepared.url} failed (${causeOf(error)}).`,
      fix: 'Check the server\'s log below; if it stopped, start it again.',
    });
  }
  const ms = performance.now() - started;
  const contentType = response.headers.get('content-type') ?? '';
  const textual = /json|text|xml|html|javascript/i.test(contentType) || contentType === '';
  let body = textual ? bytes.toString('utf8') : hexPreview(bytes);
  let parsed: unknown;
  if (textual) {
    try {
      parsed = JSON.parse(body);
      if (body.length <= MAX_SHOWN_BODY) body = formatJson(parsed);
    } catch {
      parsed = undefined;
    }
  }
  const truncated = body.length > MAX_SHOWN_BODY;
  if (truncated) body = `${body.slice(0, MAX_SHOWN_BODY)}\n…`;
  return {
    protocol,
    request: {
      method: prepared.method,
      url: prepared.url,
      headers: prepared.headers,
      bodyPreview: typeof prepared.body === 'string' ? prepared.body.slice(0, 16 * 1024) : binaryPreview(prepared.body, Number(prepared.headers['Inference-Header-Content-Length'] ?? 0)),
      bodyBytes,
    },
    status: response.status,
    statusText: response.statusText,
    headers: Object.fromEntries(response.headers.entries()),
    body,
    bodyBytes: bytes.length,
    truncated,
    ms,
    curl: prepared.curl,
    note: prepared.note,
    prediction: response.ok && parsed !== undefined ? readPrediction(protocol, parsed, labels) : null,
  };
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? 'network error';
}

function hexPreview(bytes: Buffer): string {
  const shown = bytes.subarray(0, 256).toString('hex').replace(/(..)/g, '$1 ').trim();
  return `${bytes.length} bytes of binary data: ${shown}${bytes.length > 256 ? ' …' : ''}`;
}

/** The JSON header as text, then the tensor bytes as a short hex preview. */
function binaryPreview(body: Buffer, headerLength: number): string {
  const header = body.subarray(0, headerLength).toString('utf8');
  const rest = body.subarray(headerLength);
  return `${header}\n+ ${rest.length} bytes of tensor data: ${rest.subarray(0, 48).toString('hex').replace(/(..)/g, '$1 ').trim()}${rest.length > 48 ? ' …' : ''}`;
}

/**
 * The top class of the first row of the answer, when the model returns scores (or a class index): so every
 * protocol's answer can be read as "setosa", not only the lesson's, which names labels itself.
 */
export function readPrediction(protocol: TryProtocol, answer: unknown, labels: string[] | null): Prediction {
  if (!answer || typeof answer !== 'object') return null;
  const body = answer as Record<string, unknown>;
  const rows: unknown[] = [];
  if (protocol === 'v2' || protocol === 'v2-binary') {
    const outputs = Array.isArray(body.outputs) ? (body.outputs as Array<Record<string, unknown>>) : [];
    for (const output of outputs) {
      const shape = Array.isArray(output.shape) ? (output.shape as number[]) : [];
      const data = flat(output.data);
      const width = shape.length >= 2 ? Number(shape[shape.length - 1]) : data.length;
      rows.push(data.slice(0, width));
    }
  } else {
    for (const key of ['predictions', 'outputs']) {
      const value = body[key];
      if (Array.isArray(value)) rows.push(value[0]);
      else if (value && typeof value === 'object') rows.push(...Object.values(value as Record<string, unknown>).map((v) => (Array.isArray(v) ? v[0] : v)));
    }
    const first = rows[0];
    if (first && typeof first === 'object' && !Array.isArray(first)) rows.splice(0, 1, ...Object.values(first as Record<string, unknown>));
  }
  const candidates = rows.map((r) => (Array.isArray(r) ? flat(r) : [r]));
  // Scores are one per class: as many as the labels, or (without labels) probabilities that sum to 1. Anything
  // else (a regression value, an embedding) is not read as a class.
  const numeric = (r: unknown[]): r is number[] => r.length >= 2 && r.every((v) => typeof v === 'number');
  const scores = candidates.find((r) => numeric(r) && (labels ? r.length === labels.length : looksLikeProbabilities(r)));
  let prediction: Prediction = null;
  if (scores) {
    const values = scores as number[];
    let best = 0;
    for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
    prediction = { index: best, label: labels?.[best] ?? null, score: values[best] };
  } else if (labels) {
    // A classifier that answers the class index itself (e.g. an argmax or label output).
    const single = candidates.find((r) => r.length === 1 && Number.isInteger(r[0]) && (r[0] as number) >= 0 && (r[0] as number) < labels.length);
    if (single) prediction = { index: single[0] as number, label: labels[single[0] as number], score: null };
  }
  // The lesson's server names the label itself; prefer its word when it gives one.
  const named = Array.isArray(body.labels) && typeof body.labels[0] === 'string' ? (body.labels[0] as string) : null;
  if (named && prediction && (!labels || labels.length !== (body.labels as unknown[]).length)) prediction = { ...prediction, label: named };
  else if (named && !prediction) prediction = { index: labels?.indexOf(named) ?? -1, label: named, score: null };
  return prediction;
}

function looksLikeProbabilities(values: number[]): boolean {
  const sum = values.reduce((a, b) => a + b, 0);
  return values.every((v) => v >= 0 && v <= 1) && Math.abs(sum - 1) < 0.01;
}

function flat(value: unknown): unknown[] {
  return Array.isArray(value) ? value.flatMap((v) => flat(v)) : [value];
}
