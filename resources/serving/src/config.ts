import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ZodError } from 'zod';
import { RuntimeMonitoringSchema } from '../../../shared/schemas/monitoring';
import { RuntimeConfigSchema, type RuntimeConfig } from '../../../shared/schemas/serving';
import { ServingSettingsSchema, type ServingSettings } from '../../../shared/schemas/spec';

/**
 * The runtime's settings: RuntimeConfigSchema from a JSON file (--config or MODELDOCK_CONFIG) or a bare --model,
 * then environment overrides, then command-line flags. Every problem is a ConfigError with one plain sentence;
 * main.ts prints it and exits 2 so an orchestrator sees a configuration fault, not a crash.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface StartOptions {
  config: RuntimeConfig;
  /** Where the config came from, for the log. */
  source: string;
  host: string;
  /** 0 = any free port. */
  port: number;
  /** Inference threads (workers); null = decide from the model and the CPU budget. */
  workers: number | null;
  /** MODELDOCK_INFERENCE: "auto" runs tiny models on the server thread, "threads" always uses inference threads. */
  inferencePlacement: 'auto' | 'threads';
  /** True when the config came from a bare --model: labels may be read from the model's metadata. */
  bareModel: boolean;
  /** MODELDOCK_FAST_LANE: plain HTTP/1.1 requests skip node:http's request objects (fast-lane.ts); on by default. */
  fastLane: boolean;
  /** MODELDOCK_COMPRESSION: answers of 1 KB or more go compressed to clients that ask (Accept-Encoding); on by default. */
  compression: boolean;
  /** MODELDOCK_SIDE_BY_SIDE: under load, one-thread sessions may run side by side when measured faster (side-by-side.ts). */
  sideBySide: boolean;
}

export const USAGE = `Usage: modeldock-serve [--config FILE] [--model FILE] [--port N] [--host ADDR]

  --config FILE   runtime config (JSON, RuntimeConfigSchema); or set MODELDOCK_CONFIG
  --model FILE    serve this ONNX model (alone: with default settings; with --config: replaces model.path)
  --port N        port to listen on (0 = any free port); or PORT / MODELDOCK_PORT
  --host ADDR     address to bind (default 0.0.0.0); or MODELDOCK_HOST
See README.md next to this program for every environment variable.`;

interface Flags {
  config?: string;
  model?: string;
  port?: string;
  host?: string;
  help: boolean;
}

export function parseFlags(argv: string[]): Flags {
  const flags: Flags = { help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') { flags.help = true; continue; }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!['--config', '--model', '--port', '--host'].includes(name)) {
      throw new ConfigError(`Unknown argument "${arg}". ${USAGE.split('\n')[0]}`);
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new ConfigError(`${name} needs a value.`);
    flags[name.slice(2) as 'config' | 'model' | 'port' | 'host'] = value;
  }
  return flags;
}

/** Environment variable -> the serving key it overrides. */
const ENV_SERVING: Array<[string, keyof ServingSettings]> = [
  ['MODELDOCK_THREADS', 'threads'],
  ['MODELDOCK_MAX_BATCH_SIZE', 'maxBatchSize'],
  ['MODELDOCK_MAX_BATCH_DELAY_MS', 'maxBatchDelayMs'],
  ['MODELDOCK_MAX_QUEUE', 'maxQueue'],
  ['MODELDOCK_MAX_BODY_MB', 'maxBodyMB'],
  ['MODELDOCK_MAX_BUFFERED_MB', 'maxBufferedMB'],
  ['MODELDOCK_MAX_IMAGE_MP', 'maxImageMegapixels'],
  ['MODELDOCK_REQUEST_TIMEOUT_MS', 'requestTimeoutMs'],
  ['MODELDOCK_GRACE_SECONDS', 'gracePeriodSeconds'],
  ['MODELDOCK_LOG_LEVEL', 'logLevel'],
];

export function loadStartOptions(argv: string[], env: NodeJS.ProcessEnv): StartOptions {
  const flags = parseFlags(argv);
  const configPath = flags.config ?? nonEmpty(env.MODELDOCK_CONFIG);
  const modelOverride = flags.model ?? nonEmpty(env.MODELDOCK_MODEL_PATH);
  let raw: Record<string, unknown>;
  let source: string;
  if (configPath) {
    raw = readConfigFile(configPath);
    source = path.resolve(configPath);
  } else if (modelOverride) {
    raw = { model: { path: modelOverride, name: nameFromFile(modelOverride) } };
    source = '--model';
  } else {
    throw new ConfigError(`Nothing to serve: give --config FILE (or MODELDOCK_CONFIG) or --model FILE. ${USAGE.split('\n')[0]}`);
  }

  const parsed = RuntimeConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`The config ${configPath ?? ''} is not valid: ${describeZod(parsed.error)}.`.replace('config  is', 'config is'));
  const config = parsed.data;
  if (configPath && !path.isAbsolute(config.model.path)) config.model.path = path.resolve(path.dirname(configPath), config.model.path);
  if (modelOverride) config.model.path = path.resolve(modelOverride);
  config.serving = applyServingEnv(config.serving, env);
  config.monitoring = config.monitoring ?? RuntimeMonitoringSchema.parse({});
  config.monitoring.enabled = envSwitch(env, 'MODELDOCK_MONITORING', config.monitoring.enabled);

  const host = flags.host ?? nonEmpty(env.MODELDOCK_HOST) ?? '0.0.0.0';
  if (!/^[\w.:-]+$/.test(host)) throw new ConfigError(`The host "${host}" is not an address (e.g. 0.0.0.0 or 127.0.0.1).`);
  const port = parsePort(flags.port, '--port') ?? parsePort(nonEmpty(env.MODELDOCK_PORT), 'MODELDOCK_PORT')
    ?? parsePort(nonEmpty(env.PORT), 'PORT') ?? config.serving.port;
  const workersText = nonEmpty(env.MODELDOCK_WORKERS);
  const workers = workersText === undefined ? null : parseInteger(workersText, 'MODELDOCK_WORKERS', 1, 256);

  const placementText = nonEmpty(env.MODELDOCK_INFERENCE) ?? 'auto';
  if (placementText !== 'auto' && placementText !== 'threads') {
    throw new ConfigError(`MODELDOCK_INFERENCE must be "auto" or "threads", not "${placementText}".`);
  }

  checkModelFile(config.model.path);
  return {
    config, source, host, port, workers, inferencePlacement: placementText, bareModel: !configPath,
    fastLane: envSwitch(env, 'MODELDOCK_FAST_LANE', true),
    compression: envSwitch(env, 'MODELDOCK_COMPRESSION', true),
    sideBySide: envSwitch(env, 'MODELDOCK_SIDE_BY_SIDE', true),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(code === 'ENOENT' ? `The config file ${file} does not exist.` : `The config file ${file} cannot be read (${code ?? 'error'}).`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`The config file ${file} is not valid JSON: ${(error as Error).message}.`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError(`The config file ${file} must hold a JSON object with "model" (and optionally "labels", "inputs", "serving").`);
  return doc as Record<string, unknown>;
}

/** "iris_v2.onnx" -> "iris-v2": the name used in /v1/models/{name} and /v2/models/{name}. */
export function nameFromFile(file: string): string {
  const base = path.basename(file).replace(/\.[^.]+$/, '');
  const name = base.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return name || 'model';
}

function describeZod(error: ZodError): string {
  return error.issues.slice(0, 3).map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : '(top level)';
    const message = issue.code === 'unrecognized_keys' ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
    return `${where}: ${message}`;
  }).join('; ');
}

function applyServingEnv(serving: ServingSettings, env: NodeJS.ProcessEnv): ServingSettings {
  const next: Record<string, unknown> = { ...serving };
  const fromEnv = new Map<string, string>();
  for (const [variable, key] of ENV_SERVING) {
    const text = nonEmpty(env[variable]);
    if (text === undefined) continue;
    fromEnv.set(key, variable);
    if (key === 'logLevel') next[key] = text.toLowerCase();
    else {
      const n = Number(text);
      if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(text) || !Number.isFinite(n)) throw new ConfigError(`${variable}="${text}" is not a number.`);
      next[key] = n;
    }
  }
  const parsed = ServingSettingsSchema.safeParse(next);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0] ?? '');
    const variable = fromEnv.get(key);
    const what = variable ? `${variable}="${env[variable]}"` : `serving.${key}`;
    throw new ConfigError(`${what} is not valid: ${issue.message}.`);
  }
  return parsed.data;
}

function parseInteger(text: string, what: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw new ConfigError(`${what}="${text}" is not a whole number.`);
  const n = Number(text);
  if (n < min || n > max) throw new ConfigError(`${what}=${text} is out of range (${min}..${max}).`);
  return n;
}

/** An on/off variable, or `fallback` when it is unset or empty. */
function envSwitch(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const text = nonEmpty(env[name]);
  return text === undefined ? fallback : parseSwitch(text, name);
}

function parseSwitch(text: string, what: string): boolean {
  const value = text.toLowerCase();
  if (['on', 'true', '1', 'yes'].includes(value)) return true;
  if (['off', 'false', '0', 'no'].includes(value)) return false;
  throw new ConfigError(`${what}="${text}" must be on or off.`);
}

function parsePort(text: string | undefined, what: string): number | undefined {
  return text === undefined ? undefined : parseInteger(text, what, 0, 65535);
}

function checkModelFile(file: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new ConfigError(`The model file ${file} does not exist.`);
  }
  if (!stat.isFile()) throw new ConfigError(`The model path ${file} is not a file.`);
}
