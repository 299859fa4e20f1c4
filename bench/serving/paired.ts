/**
 * Server/limit ratios measured in pairs: the in-process limit and a server run right after each other, several
 * times, and the median of the per-pair ratios. On a shared VM the machine's speed drifts by 10-20% over minutes;
 * a ratio of two figures taken minutes apart carries that drift, a ratio of neighbours mostly does not.
 */
import { median } from '../stats';
import { limitConfigs, measureOnce } from './in-process';
import type { LoopJob } from './in-process-worker';
import { runWrk, type Payload } from './wrk';

export interface Pair {
  server: number;
  limit: number;
  limitConfig: string;
  ratio: number;
}

export interface PairedRatio {
  concurrency: number;
  payload: string;
  pairs: Pair[];
  medianRatio: number;
  /** Medians of each side, for the report (their ratio is not medianRatio). */
  serverMedian: number;
  limitMedian: number;
}

export async function pairedRatios(options: {
  url: string; payload: Payload; script: string; loop: Omit<LoopJob, 'batch' | 'threads' | 'spin'>;
  threads: number; cpus: number; concurrencies: number[]; pairs: number; seconds: number; warmupSeconds: number;
  progress: (line: string) => void;
}): Promise<PairedRatio[]> {
  const out: PairedRatio[] = [];
  for (const c of options.concurrencies) {
    const pairs: Pair[] = [];
    for (let i = 0; i < options.pairs; i++) {
      let best = { rate: 0, name: '' };
      for (const config of limitConfigs(c, options.threads, options.cpus)) {
        const m = await measureOnce(config, options.loop);
        if (m.itemsPerSecond > best.rate) best = { rate: m.itemsPerSecond, name: config.name };
      }
      if (options.warmupSeconds > 0) await runWrk(options.url, options.script, c, options.warmupSeconds);
      const run = await runWrk(options.url, options.script, c, options.seconds);
      const server = run.errors === 0 ? run.rps : 0;
      pairs.push({ server, limit: best.rate, limitConfig: best.name, ratio: server / best.rate });
      options.progress(`  pair ${i + 1}/${options.pairs}, c=${c}: server ${Math.round(server)}/s, in-process ${Math.round(best.rate)}/s (${best.name}) -> ${(server / best.rate).toFixed(2)}x`);
    }
    out.push(summarise(c, options.payload.label, pairs));
  }
  return out;
}

/**
 * The same pairing for two servers: a run against `reference` (the echo server) and a run against `server` right
 * after it, `pairs` times per concurrency; the target is judged on the median ratio server/reference.
 */
export async function pairedServerRatios(options: {
  serverUrl: string; referenceUrl: string; referenceName: string; payload: Payload; script: string;
  concurrencies: number[]; pairs: number; seconds: number; warmupSeconds: number; progress: (line: string) => void;
}): Promise<PairedRatio[]> {
  const out: PairedRatio[] = [];
  const measure = async (url: string, c: number) => {
    if (options.warmupSeconds > 0) await runWrk(url, options.script, c, options.warmupSeconds);
    const run = await runWrk(url, options.script, c, options.seconds);
    return run.errors === 0 ? run.rps : 0;
  };
  for (const c of options.concurrencies) {
    const pairs: Pair[] = [];
    for (let i = 0; i < options.pairs; i++) {
      const limit = await measure(options.referenceUrl, c);
      const server = await measure(options.serverUrl, c);
      const ratio = limit > 0 ? server / limit : 0;
      pairs.push({ server, limit, limitConfig: options.referenceName, ratio });
      options.progress(`  pair ${i + 1}/${options.pairs}, c=${c}: server ${Math.round(server)}/s, ${options.referenceName} ${Math.round(limit)}/s -> ${ratio.toFixed(2)}x`);
    }
    out.push(summarise(c, options.payload.label, pairs));
  }
  return out;
}

function summarise(concurrency: number, payload: string, pairs: Pair[]): PairedRatio {
  return {
    concurrency, payload, pairs,
    medianRatio: median(pairs.map((p) => p.ratio)),
    serverMedian: median(pairs.map((p) => p.server)),
    limitMedian: median(pairs.map((p) => p.limit)),
  };
}
