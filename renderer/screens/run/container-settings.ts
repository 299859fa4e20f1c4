import type { ContainerSettings } from './use-container';

/** What the user typed in the container card, as text, so half-typed numbers stay on screen. */
export interface ContainerDraft {
  image: string;
  port: string;
  cpus: string;
  memoryMB: string;
  env: string;
}

export const EMPTY_DRAFT: ContainerDraft = { image: '', port: '', cpus: '', memoryMB: '', env: '' };

export interface DraftCheck {
  settings: ContainerSettings | null;
  problems: Partial<Record<keyof ContainerDraft, string>>;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Turns the draft into a container.run request, or says per field what is wrong in plain words. */
export function checkDraft(draft: ContainerDraft): DraftCheck {
  const problems: DraftCheck['problems'] = {};
  const number = (text: string) => (text.trim() === '' ? undefined : Number(text.trim()));

  const port = number(draft.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
    problems.port = 'A port is a whole number from 1 to 65535 (or leave it empty).';
  }
  const cpus = number(draft.cpus);
  if (cpus !== undefined && !(Number.isFinite(cpus) && cpus >= 0.05 && cpus <= 256)) {
    problems.cpus = 'CPU cores from 0.05 to 256, e.g. 0.5 or 2 (or leave it empty for no limit).';
  }
  const memoryMB = number(draft.memoryMB);
  if (memoryMB !== undefined && !(Number.isInteger(memoryMB) && memoryMB >= 32)) {
    problems.memoryMB = 'Memory in whole megabytes, at least 32, e.g. 512 (or leave it empty for no limit).';
  }
  const env: Record<string, string> = {};
  for (const [index, raw] of draft.env.split('\n').entries()) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const name = eq > 0 ? line.slice(0, eq).trim() : '';
    if (!ENV_NAME.test(name)) {
      problems.env = `Line ${index + 1} should read NAME=value, with a name of letters, digits and underscores (e.g. MODELDOCK_MAX_BATCH_SIZE=16).`;
      break;
    }
    env[name] = line.slice(eq + 1).trim();
  }
  if (!draft.image) problems.image = 'Build an image in the Package step first.';
  const ok = Object.keys(problems).length === 0;
  return { settings: ok ? { image: draft.image, port, cpus, memoryMB, env } : null, problems };
}
