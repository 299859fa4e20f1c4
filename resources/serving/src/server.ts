import type { HostTensor } from '../../../main/inference/host-tensor';
import { isImageBytes } from '../../../main/inference/image-input';
import type { ServingSettings } from '../../../shared/schemas/spec';
import { BodyAdmission } from './body-admission';
import { Deadline } from './deadline';
import type { FeedbackTracker } from './feedback';
import { HOME_CSP, homeHtml, homeText } from './home-page';
import type { HttpExchange } from './exchange';
import { bodyEncoding, formatBytes, inflateBody, MAX_INFLATION, parseMediaType } from './http-body';
import { HttpError, asHttpError } from './http-error';
import { bytesToText } from './encoded-bytes';
import { feedsFromForm, feedsFromRawImage, withImages, type ImageDecoding } from './image-requests';
import type { ImageDecoder } from './image-threads';
import { feedsFromPredictBody, parseJsonBody, type RequestFormat } from './json-requests';
import { errorText, type Logger } from './log';
import { CONTENT_TYPE as METRICS_TYPE } from './metrics';
import type { ModelInfo } from './model-info';
import { parseMultipart } from './multipart';
import { openApiDocument } from './openapi';
import { rowValue } from '../../../main/monitoring/output-kind';
import { nestedValues, rowClasses, rowValues } from './output-values';
import { encodeV2Response, parseV2Request, v2ModelMetadata, type V2Request } from './protocol-v2';
import { chooseCoding, compressBody, COMPRESS_MIN_BYTES } from './response-compression';
import { asksToClose } from './response-head';
import { Router, type Params } from './router';
import type { Scheduler } from './scheduler';
import type { ServerMetrics } from './server-metrics';
import { rowCount } from './tensor-build';

/**
 * The HTTP side of the runtime: routes for the lesson's /predict, TF-Serving/KServe V1, the V2 Open Inference
 * Protocol, image uploads, health, metrics and OpenAPI. Every refusal is {"error": "..."} with the right status;
 * a fault inside the server is a 500 that is logged, and the process keeps serving.
 */
export const RUNTIME_VERSION = '0.1.0';

interface Ctx {
  exchange: HttpExchange;
  params: Params;
  /** Passes (504) when the request outlives requestTimeoutMs. */
  deadline: Deadline;
  /** X-Request-Id of the answer: what POST /feedback refers to. */
  id: string;
  /** The number behind an id the server assigned (base 36 of it, padded); -1 for an id the client chose. */
  seq: number;
  /** Runs `fn` once the answer is decided (before it is written), whatever it is. */
  onDone: (fn: () => void) => void;
  /** The request's share of the buffered-body budget while it holds one (see readRequestBody, decodingFor). */
  held?: { bytes: number; release: () => void };
}

/** Model monitoring as the HTTP side sees it: whether it is on, and the feedback scorer (null: no feedback). */
export interface ServerMonitoring {
  enabled: boolean;
  feedback: FeedbackTracker | null;
  /** Why feedback is unavailable, for the 409 answer. */
  feedbackOff: string;
}

interface Reply {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

/** A model call's outputs, with the primary output's classes when it is a classifier's. */
interface Inferred {
  outputs: HostTensor[];
  primary: HostTensor | null;
  classes: string[] | null;
}

type Handler = (ctx: Ctx) => Promise<Reply> | Reply;

/** Routes a draining server still answers: probes and metrics. */
const PROBES = new Set(['/healthz', '/readyz', '/metrics', '/v2/health/live', '/v2/health/ready']);

/** What a chunked body (no Content-Length) is counted as against the body budget. */
const UNKNOWN_BODY_BYTES = 64 * 1024;

/** Models without an image input never reach a decoder: their image requests are refused (415) before that. */
const NO_IMAGE_THREADS: ImageDecoder = { decode: () => Promise.reject(new Error('This server has no image threads.')) };

const JSON_TYPES = new Set(['application/json', 'text/json', 'text/plain', 'application/x-www-form-urlencoded']);

export class ModelServer {
  readonly router = new Router<Handler>();
  ready = false;
  draining = false;
  /** Requests accepted before draining began and not yet answered. */
  active = 0;
  private nextId = 1;
  private readonly openapi: string;
  private readonly bodyLimit: number;
  private readonly imageDecoder: ImageDecoder;
  private readonly admission: BodyAdmission;
  onIdle: () => void = () => {};
  /** Answers of COMPRESS_MIN_BYTES or more go compressed to clients that ask (MODELDOCK_COMPRESSION=off: never). */
  compression = true;

  constructor(
    private readonly model: ModelInfo,
    private readonly scheduler: Scheduler,
    private readonly settings: ServingSettings,
    private readonly metrics: ServerMetrics,
    private readonly log: Logger,
    private readonly monitoring: ServerMonitoring = { enabled: false, feedback: null, feedbackOff: 'Model monitoring is off.' },
    /** The image threads; only a model with an image input has them. */
    images: ImageDecoder = NO_IMAGE_THREADS,
  ) {
    this.bodyLimit = Math.floor(settings.maxBodyMB * 1024 * 1024);
    this.admission = new BodyAdmission(Math.floor(settings.maxBufferedMB * 1024 * 1024), (n) => metrics.bodyWaiting.set(n));
    this.imageDecoder = images;
    this.openapi = JSON.stringify(openApiDocument(model, RUNTIME_VERSION));
    this.routes();
  }

  private routes(): void {
    const r = this.router;
    r.add('GET', '/', (ctx) => this.home(ctx));
    r.add('POST', '/predict', (ctx) => this.predictLesson(ctx));
    r.add('GET', '/healthz', () => jsonReply(200, { status: 'live' }));
    r.add('GET', '/readyz', () => (this.ready ? jsonReply(200, { status: 'ready' }) : jsonReply(503, { status: this.draining ? 'shutting down' : 'loading' })));
    r.add('GET', '/metrics', () => ({ status: 200, headers: { 'Content-Type': METRICS_TYPE }, body: this.metrics.registry.render() }));
    r.add('GET', '/openapi.json', () => ({ status: 200, headers: { 'Content-Type': 'application/json' }, body: this.openapi }));

    r.add('GET', '/v1/models', () => jsonReply(200, { models: [this.model.name] }));
    r.add('GET', '/v1/models/{name}', (ctx) => this.v1Status(ctx));
    r.add('GET', '/v1/models/{name}/versions/{version}', (ctx) => this.v1Status(ctx));
    r.add('POST', '/v1/models/{name}:predict', (ctx) => this.predictV1(ctx));
    r.add('POST', '/v1/models/{name}/versions/{version}:predict', (ctx) => this.predictV1(ctx));

    r.add('GET', '/v2', () => jsonReply(200, { name: 'modeldock', version: RUNTIME_VERSION, extensions: ['binary_tensor_data'] }));
    r.add('GET', '/v2/health/live', () => ({ status: 200 }));
    r.add('GET', '/v2/health/ready', () => ({ status: this.ready ? 200 : 503 }));
    r.add('GET', '/v2/models/{name}', (ctx) => { this.checkModel(ctx.params); return jsonReply(200, v2ModelMetadata(this.model)); });
    r.add('GET', '/v2/models/{name}/versions/{version}', (ctx) => { this.checkModel(ctx.params); return jsonReply(200, v2ModelMetadata(this.model)); });
    r.add('GET', '/v2/models/{name}/ready', (ctx) => { this.checkModel(ctx.params); return { status: this.ready ? 200 : 503 }; });
    r.add('GET', '/v2/models/{name}/versions/{version}/ready', (ctx) => { this.checkModel(ctx.params); return { status: this.ready ? 200 : 503 }; });
    r.add('POST', '/v2/models/{name}/infer', (ctx) => this.inferV2(ctx));
    r.add('POST', '/v2/models/{name}/versions/{version}/infer', (ctx) => this.inferV2(ctx));
    r.add('POST', '/feedback', (ctx) => this.feedback(ctx));
    r.add('POST', '/v2/models/{name}/feedback', (ctx) => { this.checkModel(ctx.params); return this.feedback(ctx); });
  }

  /** Answers one request, from the fast lane or node:http (see exchange.ts). */
  handle = (exchange: HttpExchange): void => {
    const started = performance.now();
    let seq = -1;
    const id = requestId(exchange.headers['x-request-id'], () => { seq = this.nextId++; return seq.toString(36).padStart(6, '0'); });
    const pathname = requestPath(exchange.url);
    const method = exchange.method;
    const match = this.router.match(method, pathname);
    const route = match.kind === 'none' ? 'unmatched' : match.template;
    const counted = !PROBES.has(pathname);
    this.metrics.inFlight.inc();
    if (counted) this.active++;

    const deadline = new Deadline(this.settings.requestTimeoutMs, () => new HttpError(504, `The model did not answer within ${this.settings.requestTimeoutMs} ms; try again, send fewer rows, or raise MODELDOCK_REQUEST_TIMEOUT_MS.`));

    let whenDone: Array<() => void> | null = null;
    const finish = (reply: Reply) => {
      deadline.clear();
      if (whenDone) for (const fn of whenDone) fn();
      const status = reply.status;
      const headers: Record<string, string | string[]> = reply.headers ? { 'X-Request-Id': id, ...reply.headers } : { 'X-Request-Id': id };
      if (this.draining) headers.Connection = 'close';
      this.encodeForClient(exchange, method, headers, reply.body ?? '', (body) => {
        this.write(exchange, status, headers, body, id);
        const seconds = (performance.now() - started) / 1000;
        this.metrics.inFlight.dec();
        this.metrics.requests.inc({ route, method, status: String(status) });
        this.metrics.requestSeconds.observe(seconds, { route });
        this.log.request(method, pathname, status, Math.round(seconds * 1e4) / 10, route, id);
      });
    };
    exchange.onEnd((answered) => {
      if (counted) {
        this.active--;
        if (this.active === 0) this.onIdle();
      }
      // A client that hangs up before its answer withdraws its request; logged and counted as 499 (nginx's code).
      if (!answered) deadline.cancel(new HttpError(499, 'The client closed the connection before the answer was ready.'));
    });

    if (match.kind === 'none') {
      finish(errorReply(404, `No route ${pathname}. Try GET / for what this server offers, or POST /predict.`));
      return;
    }
    if (match.kind === 'method') {
      finish({ ...errorReply(405, `${method} is not allowed on ${pathname}; use ${match.allow.filter((m) => m !== 'HEAD').join(' or ')}.`), headers: { Allow: match.allow.join(', '), 'Content-Type': 'application/json' } });
      return;
    }
    if (this.draining && counted) {
      finish({ ...errorReply(503, 'The server is shutting down; retry against another instance.'), headers: { 'Content-Type': 'application/json', 'Retry-After': '1', Connection: 'close' } });
      return;
    }
    const ctx: Ctx = { exchange, params: match.params, deadline, id, seq, onDone: (fn) => { (whenDone ??= []).push(fn); } };
    const failed = (error: unknown) => {
      const known = asHttpError(error);
      if (known) {
        finish({ ...errorReply(known.status, known.message), headers: { 'Content-Type': 'application/json', ...known.headers } });
        return;
      }
      this.log.error('request-failed', { error: 'The server failed while answering a request.', cause: errorText(error), route, id });
      finish(errorReply(500, `The server failed while answering (${errorText(error)}). The request id is ${id}.`));
    };
    // Called at once (not from a microtask): a handler that throws before its first await is caught here.
    let answer: Promise<Reply> | Reply;
    try {
      answer = match.handler(ctx);
    } catch (error) {
      failed(error);
      return;
    }
    if (answer instanceof Promise) answer.then(finish, failed);
    else finish(answer);
  };

  /**
   * Hands `deliver` the body to send: compressed when it is COMPRESS_MIN_BYTES or more and the client's
   * Accept-Encoding asks (response-compression.ts), else as it is. Sets Content-Encoding and Vary to match.
   */
  private encodeForClient(exchange: HttpExchange, method: string, headers: Record<string, string | string[]>, plain: string | Buffer, deliver: (body: string | Buffer) => void): void {
    const size = Buffer.byteLength(plain);
    if (size < COMPRESS_MIN_BYTES || !this.compression || method === 'HEAD' || headers['Content-Encoding']) {
      deliver(plain);
      return;
    }
    // The answer now depends on Accept-Encoding: say so to caches, whichever way it goes.
    headers.Vary = 'Accept-Encoding';
    const coding = chooseCoding(exchange.headers['accept-encoding']);
    if (!coding) {
      deliver(plain);
      return;
    }
    compressBody(plain, coding, (compressed) => {
      if (!compressed) {
        deliver(plain);
        return;
      }
      headers['Content-Encoding'] = coding;
      this.metrics.compressedBytes.inc({ coding }, size - compressed.length);
      deliver(compressed);
    });
  }

  private write(exchange: HttpExchange, status: number, headers: Record<string, string | string[]>, body: string | Buffer, id: string): void {
    headers['Content-Length'] = String(Buffer.byteLength(body));
    const send = () => {
      try {
        exchange.send(status, headers, body);
      } catch (error) {
        this.log.error('response-failed', { error: 'The response could not be written.', cause: errorText(error), id });
      }
    };
    if (!asksToClose(headers) || !exchange.bodyPending) {
      send();
      return;
    }
    // Closing with unread request bytes makes the kernel reset the connection, and the client can lose the answer:
    // read (and drop) the rest first, for a bounded time.
    let sent = false;
    const once = () => {
      if (sent) return;
      sent = true;
      clearTimeout(linger);
      send();
    };
    const linger = setTimeout(once, 2000);
    exchange.skipBody(once);
  }

  private home(ctx: Ctx): Reply {
    const host = /^[\w.:[\]-]+$/.test(ctx.exchange.headers.host ?? '') ? ctx.exchange.headers.host! : 'localhost:8080';
    const base = `http://${host}`;
    const accept = ctx.exchange.headers.accept ?? '';
    if (/text\/html/i.test(accept)) {
      return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': HOME_CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' }, body: homeHtml(this.model, base) };
    }
    return { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: homeText(this.model, base) };
  }

  private checkModel(params: Params): void {
    if (params.name !== this.model.name) throw new HttpError(404, `Model "${params.name}" is not served here; this server serves "${this.model.name}".`);
    if (params.version !== undefined && params.version !== this.model.version) {
      throw new HttpError(404, `Model "${this.model.name}" has no version "${params.version}"; this server serves version "${this.model.version}".`);
    }
  }

  private v1Status(ctx: Ctx): Reply {
    this.checkModel(ctx.params);
    return jsonReply(200, {
      name: this.model.name,
      ready: this.ready,
      model_version_status: [{ version: this.model.version, state: this.ready ? 'AVAILABLE' : 'LOADING', status: { error_code: 'OK', error_message: '' } }],
    });
  }

  /** Request body -> feeds, by Content-Type: JSON (rows or columns), multipart form with images, or a raw image. */
  private async readFeeds(ctx: Ctx, lesson: boolean): Promise<{ feeds: HostTensor[]; format: RequestFormat }> {
    const media = parseMediaType(ctx.exchange.headers['content-type']);
    const type = media?.type ?? 'application/json';
    const form = type === 'multipart/form-data';
    const image = type.startsWith('image/');
    const jsonLike = JSON_TYPES.has(type) || type.endsWith('+json');
    if (!form && !image && !jsonLike && type !== 'application/octet-stream') throw unsupportedType(type, this.model.imageInputs.size > 0);
    const body = await this.readRequestBody(ctx);
    if (form) return { feeds: await feedsFromForm(parseMultipart(body, media?.params.boundary), this.model, body.length, this.decodingFor(ctx)), format: 'rows' };
    if (image || type === 'application/octet-stream') {
      if (!image && !isImageBytes(body)) throw unsupportedType(type, this.model.imageInputs.size > 0);
      return { feeds: await feedsFromRawImage(body, this.model, this.decodingFor(ctx)), format: 'rows' };
    }
    const parsed = feedsFromPredictBody(parseJsonBody(body), this.model, body.length, lesson);
    if (parsed.images.length) return { feeds: await withImages(parsed.feeds, parsed.images, this.model, this.decodingFor(ctx)), format: parsed.format };
    return parsed;
  }

  /**
   * The body, once it fits the server's body budget (BodyAdmission).
   * `alignAt`: where V2 binary tensor data starts, so the tensors can be views of the body.
   */
  private readRequestBody(ctx: Ctx, alignAt?: number): Promise<Buffer> {
    const encoding = bodyEncoding(ctx.exchange.headers['content-encoding']);
    const declared = Number(ctx.exchange.headers['content-length']);
    const known = Number.isFinite(declared) && declared > 0;
    // A compressed body is held by the size it may reach, which bounds what it may inflate to.
    const bytes = encoding === 'identity'
      ? (known ? Math.min(declared, this.bodyLimit) : UNKNOWN_BODY_BYTES)
      : (known ? Math.min(declared * MAX_INFLATION, this.bodyLimit) : this.bodyLimit);
    // Held until the answer is decided, not until it is sent: a client slow to read its answer holds no budget.
    // Taken at once when it fits: no extra promise per request on the hot path.
    const read = (release: () => void) => {
      ctx.onDone(release);
      ctx.held = { bytes, release };
      if (encoding === 'identity') return ctx.exchange.readBody(this.bodyLimit, alignAt);
      return ctx.exchange.readBody(this.bodyLimit).then((body) => inflateBody(body, encoding, bytes, alignAt));
    };
    const now = this.admission.tryTake(bytes);
    return now ? read(now) : this.admission.acquire(bytes, ctx.deadline).then(read);
  }

  /** How this request's images decode: on the image threads, their tensors held in the buffered-body budget. */
  private decodingFor(ctx: Ctx): ImageDecoding {
    return {
      decoder: this.imageDecoder,
      maxTensorBytes: Math.floor(this.settings.maxBufferedMB * 1024 * 1024),
      deadline: ctx.deadline,
      reserve: async (bytes) => {
        // The body's share and the tensors' are taken again as one. Giving the body's back while waiting means no
        // request waits holding room that another waiter needs (no deadlock); admission stays first come, first
        // served, so no new body is read while anyone waits, and the waiting bodies were all admitted within it.
        const body = ctx.held;
        body?.release();
        const release = await this.admission.acquire((body?.bytes ?? 0) + bytes, ctx.deadline);
        ctx.held = { bytes: (body?.bytes ?? 0) + bytes, release };
        ctx.onDone(release);
      },
    };
  }

  /** Queue, batch, run; counts predicted classes and remembers the prediction for feedback. */
  private async infer(feeds: HostTensor[], ctx: Ctx): Promise<Inferred> {
    const { outputs } = await this.scheduler.submit(feeds, rowCount(feeds), ctx.deadline);
    const primary = this.model.primaryOutput && outputs.find((o) => o.name === this.model.primaryOutput!.name);
    let classes: string[] | null = null;
    if (primary) {
      classes = rowClasses(primary, this.model.labels);
      if (classes) for (const c of classes) this.metrics.predictions.inc({ class: boundedClass(c, this.model.labels) });
      const feedback = this.monitoring.feedback;
      if (feedback) {
        if (feedback.kind === 'classes' && classes) feedback.record(ctx.id, ctx.seq, classes);
        else if (feedback.kind === 'values' && primary.dims.length > 0) {
          const values: number[] = [];
          for (let r = 0; r < primary.dims[0]; r++) values.push(rowValue(primary, r));
          feedback.record(ctx.id, ctx.seq, values);
        }
      }
    }
    return { outputs, primary: primary || null, classes };
  }

  /** POST /feedback {"id", "outcome"}: the true answer for a prediction this server made. */
  private async feedback(ctx: Ctx): Promise<Reply> {
    const type = parseMediaType(ctx.exchange.headers['content-type'])?.type ?? 'application/json';
    if (!JSON_TYPES.has(type) && !type.endsWith('+json')) throw new HttpError(415, `Content-Type ${type} is not accepted here; send application/json.`);
    const body = await this.readRequestBody(ctx);
    const feedback = this.monitoring.feedback;
    if (!feedback) throw new HttpError(409, this.monitoring.feedbackOff);
    const doc = parseJsonBody(body);
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new HttpError(400, 'Send a JSON object {"id": "<X-Request-Id of the prediction>", "outcome": <true class or value>}.');
    const { id, outcome } = doc as Record<string, unknown>;
    // {"b64"} outcomes are class names as bytes, the way TF Serving clients may spell text.
    return jsonReply(200, feedback.score(id, bytesToText(outcome, '"outcome"')));
  }

  private async predictLesson(ctx: Ctx): Promise<Reply> {
    const { feeds } = await this.readFeeds(ctx, true);
    const { outputs, primary, classes } = await this.infer(feeds, ctx);
    const shown = primary ?? outputs[0];
    const answer: Record<string, unknown> = { predictions: shown ? rowValues(shown) : [] };
    if (shown && this.model.labels) {
      // The classes infer() found for the primary output, worked out again only when another output is shown.
      const labels = shown === primary ? classes : rowClasses(shown, this.model.labels);
      if (labels) answer.labels = labels;
    }
    return jsonReply(200, answer);
  }

  private async predictV1(ctx: Ctx): Promise<Reply> {
    this.checkModel(ctx.params);
    const { feeds, format } = await this.readFeeds(ctx, false);
    const { outputs } = await this.infer(feeds, ctx);
    if (format === 'columns') {
      return jsonReply(200, { outputs: outputs.length === 1 ? nestedValues(outputs[0]) : Object.fromEntries(outputs.map((o) => [o.name, nestedValues(o)])) });
    }
    if (outputs.length === 1) return jsonReply(200, { predictions: rowValues(outputs[0]) });
    const perOutput = outputs.map((o) => rowValues(o));
    const rows = perOutput[0]?.length ?? 0;
    const predictions = Array.from({ length: rows }, (_, r) => Object.fromEntries(outputs.map((o, k) => [o.name, perOutput[k][r]])));
    return jsonReply(200, { predictions });
  }

  private async inferV2(ctx: Ctx): Promise<Reply> {
    this.checkModel(ctx.params);
    const headerText = ctx.exchange.headers['inference-header-content-length'];
    const media = parseMediaType(ctx.exchange.headers['content-type']);
    const type = media?.type ?? 'application/json';
    let request: Pick<V2Request, 'id' | 'feeds' | 'outputs'>;
    if (headerText === undefined && (type === 'multipart/form-data' || type.startsWith('image/'))) {
      const { feeds } = await this.readFeeds(ctx, false);
      request = { id: undefined, feeds, outputs: this.model.outputs.map((o) => ({ name: o.name, binary: false })) };
    } else {
      let headerLength: number | null = null;
      if (headerText !== undefined) {
        if (!/^\d+$/.test(String(headerText).trim())) throw new HttpError(400, `Inference-Header-Content-Length must be a whole number of bytes; got "${headerText}".`);
        headerLength = Number(headerText);
      } else if (!JSON_TYPES.has(type) && !type.endsWith('+json')) {
        throw unsupportedType(type, this.model.imageInputs.size > 0, true);
      }
      const body = await this.readRequestBody(ctx, headerLength ?? undefined);
      const parsed = parseV2Request(body, headerLength, this.model, body.length);
      request = parsed.images.length ? { ...parsed, feeds: await withImages(parsed.feeds, parsed.images, this.model, this.decodingFor(ctx)) } : parsed;
    }
    const { outputs } = await this.infer(request.feeds, ctx);
    const encoded = encodeV2Response(this.model, request, outputs);
    return { status: 200, headers: encoded.headers, body: encoded.body };
  }

  get bodyLimitText(): string {
    return formatBytes(this.bodyLimit);
  }
}

function jsonReply(status: number, value: unknown): Reply {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) };
}

function errorReply(status: number, message: string): Reply {
  return jsonReply(status, { error: message });
}

function unsupportedType(type: string, images: boolean, v2 = false): HttpError {
  const accepted = ['application/json'];
  if (v2) accepted.push('application/octet-stream with Inference-Header-Content-Length (binary tensors)');
  if (images) accepted.push('multipart/form-data', 'image/png', 'image/jpeg');
  return new HttpError(415, `Content-Type ${type} is not accepted here; send ${accepted.join(', ')}.`);
}

/**
 * The path of a request target, as the WHATWG URL parser would give it: plain paths (the hot routes) are taken as
 * they are, anything that needs normalising (dot segments, percent escapes, backslashes, odd characters) goes
 * through URL. Building a URL per request was a measurable share of a small model's request time.
 */
export function requestPath(target: string | undefined): string {
  const raw = target ?? '/';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  if (PLAIN_PATH.test(path)) return path;
  try {
    return new URL(raw, 'http://localhost').pathname;
  } catch {
    return '/';
  }
}

/** "/" and segments of unreserved characters, none of them "." or ".." (which URL would resolve). */
const PLAIN_PATH = /^(?:\/|(?:\/(?!\.\.?(?:\/|$))[\w\-.~:@!$&'()*+,;=]+)+\/?)$/;

function requestId(header: string | string[] | undefined, next: () => string): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^[\w.:-]{1,128}$/.test(value) ? value : next();
}

/** Metric label values must stay few: a class outside the labels (or beyond 100 unnamed ones) is "other". */
function boundedClass(name: string, labels: string[] | null): string {
  if (labels) return labels.includes(name) ? name : 'other';
  return /^\d+$/.test(name) && Number(name) < 100 ? name : 'other';
}
