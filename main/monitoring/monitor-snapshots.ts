import * as path from 'node:path';
import { ModelDockError, toErrorInfo } from '../../shared/errors';
import type { MonitorSnapshot, MonitorTarget, MonitorThresholds } from '../../shared/schemas/monitor-live';
import type { MonitoringSettings } from '../../shared/schemas/monitoring';
import type { ContainerManager } from '../docker/container-manager';
import type { LocalServers } from '../serving/local-servers';
import { loadSpecForModel } from '../spec/spec-file';
import { appliedThresholds, liveAlerts } from './live-alerts';
import { MonitorTracker } from './monitor-tracker';

/** Polled every ~2 s by the view; several windows polling the same target share one scrape per second. */
const MIN_INTERVAL_MS = 900;
const SCRAPE_TIMEOUT_MS = 3000;
/** A /metrics page is a few kB to a few hundred kB; anything far larger is not a ModelDock server. */
const MAX_METRICS_BYTES = 8 * 1024 * 1024;
/** Targets remembered at once (their histories); the least recently read is dropped. */
const MAX_TARGETS = 16;

interface Resolved {
  key: string;
  label: string;
  metricsUrl: string | null;
  /** Why there is nothing to scrape (a stopped server), when metricsUrl is null. */
  stoppedNote: string | null;
  spec: MonitoringSettings | null;
}

/**
 * 'monitor.snapshot': reads a running server's /metrics from the engine (the renderer never fetches URLs), keeps a
 * short history per target and checks the latest sample against the thresholds.
 */
export class MonitorSnapshots {
  private readonly trackers = new Map<string, MonitorTracker>();

  constructor(private readonly deps: { servers: LocalServers; containers: ContainerManager }) {}

  async snapshot(target: MonitorTarget, thresholds: MonitorThresholds | undefined, signal?: AbortSignal): Promise<MonitorSnapshot> {
    const resolved = await this.resolve(target);
    const tracker = this.tracker(resolved.key);
    let state: MonitorSnapshot['state'] = 'live';
    let note: string | null = null;
    if (!resolved.metricsUrl) {
      state = 'stopped';
      note = resolved.stoppedNote;
    } else if (tracker.lastScrapeMs === null || Date.now() - tracker.lastScrapeMs >= MIN_INTERVAL_MS) {
      try {
        tracker.add(await fetchMetrics(resolved.metricsUrl, signal));
      } catch (error) {
        if (signal?.aborted) throw error;
        state = 'unreachable';
        note = `Could not read ${resolved.metricsUrl} (${toErrorInfo(error).message}).`;
      }
    }
    const latest = tracker.latest;
    const applied = appliedThresholds(thresholds, resolved.spec, latest?.driftThreshold ?? null);
    return {
      target: { kind: target.kind, label: resolved.label, metricsUrl: resolved.metricsUrl },
      state,
      note,
      modelName: tracker.modelName,
      modelVersion: tracker.modelVersion,
      latest,
      history: tracker.history,
      thresholds: applied,
      alerts: state === 'live' ? liveAlerts(latest, applied) : [],
    };
  }

  private tracker(key: string): MonitorTracker {
    let tracker = this.trackers.get(key);
    if (tracker) {
      this.trackers.delete(key);
    } else {
      tracker = new MonitorTracker();
    }
    this.trackers.set(key, tracker);
    while (this.trackers.size > MAX_TARGETS) this.trackers.delete(this.trackers.keys().next().value as string);
    return tracker;
  }

  private async resolve(target: MonitorTarget): Promise<Resolved> {
    if (target.kind === 'local') {
      const modelPath = path.resolve(target.modelPath);
      const status = this.deps.servers.list(modelPath)[0];
      const spec = safeSpec(modelPath);
      const live = status?.url && (status.state === 'ready' || status.state === 'starting');
      return {
        key: `local:${modelPath}`,
        label: live ? `Local server ${status.url}` : `Local server for ${path.basename(modelPath)}`,
        metricsUrl: live ? `${status.url}/metrics` : null,
        stoppedNote: status ? `The local server is ${status.state}. Start it in the Run step.` : 'The model is not being served locally. Start it in the Run step.',
        spec,
      };
    }
    if (target.kind === 'container') {
      const status = await this.deps.containers.status(target.id, target.context);
      const live = status.url && (status.state === 'ready' || status.state === 'starting' || status.state === 'unhealthy');
      return {
        key: `container:${target.context ?? ''}:${status.id}`,
        label: `Container ${status.name}${status.url ? ` (${status.url})` : ''}`,
        metricsUrl: live ? `${status.url}/metrics` : null,
        stoppedNote: `The container is ${status.state}.`,
        spec: null,
      };
    }
    const metricsUrl = metricsUrlOf(target.url);
    return { key: `url:${metricsUrl}`, label: metricsUrl.replace(/\/metrics$/, ''), metricsUrl, stoppedNote: null, spec: null };
  }
}

/** http(s) only; a base URL gets /metrics appended, a URL already ending in /metrics is used as it is. */
export function metricsUrlOf(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw badUrl(text, 'it is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badUrl(text, `it uses ${url.protocol.replace(/:$/, '')}, not http or https`);
  if (url.username || url.password) throw badUrl(text, 'it carries a user name or password');
  url.hash = '';
  url.search = '';
  if (!/\/metrics\/?$/.test(url.pathname)) url.pathname = `${url.pathname.replace(/\/+$/, '')}/metrics`;
  return url.toString().replace(/\/$/, '');
}

function badUrl(text: string, why: string): ModelDockError {
  return new ModelDockError({
    code: 'monitor-url-invalid',
    title: 'That address cannot be monitored',
    message: `"${text.slice(0, 200)}" cannot be read: ${why}.`,
    fix: 'Give the server\'s address, e.g. http://127.0.0.1:8080 or https://iris.example.com (its /metrics is read).',
  });
}

function safeSpec(modelPath: string): MonitoringSettings | null {
  try {
    return loadSpecForModel(modelPath).spec?.monitoring ?? null;
  } catch {
    return null;
  }
}

async function fetchMetrics(url: string, signal?: AbortSignal): Promise<string> {
  const timeout = AbortSignal.timeout(SCRAPE_TIMEOUT_MS);
  const response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, headers: { accept: 'text/plain' } });
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new Error(`HTTP ${response.status}`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > MAX_METRICS_BYTES) {
      await reader.cancel().catch(() => {});
      throw new Error(`the answer is larger than ${MAX_METRICS_BYTES / 1024 / 1024} MB; is this a metrics page?`);
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!/^(# (HELP|TYPE) |[a-zA-Z_:][a-zA-Z0-9_:]*[{ ])/m.test(text)) throw new Error('the answer is not in the Prometheus text format');
  return text;
}
