import type { ImageBuildRequest } from '../../../shared/schemas/docker';
import type { Spec } from '../../../shared/schemas/spec';
import { DEFAULT_BASE_IMAGE, OFFLINE_BASE_IMAGE, type Platform } from '../../../shared/schemas/spec';

export type BaseChoice = 'default' | 'offline' | 'custom';

/** The image settings as the user edits them; empty name means "the engine's default for this model". */
export interface ImageDraft {
  reference: string;
  baseChoice: BaseChoice;
  customBase: string;
  platform: Platform;
  noCache: boolean;
  /** False until the user picks a base: until then the screen may pick the one this engine already has. */
  baseTouched: boolean;
}

export function draftFromSpec(spec: Spec | null | undefined): ImageDraft {
  const image = spec?.image;
  const reference = image?.name ? `${image.name}${image.tag ? `:${image.tag}` : ''}` : '';
  const base = image?.base;
  const baseChoice: BaseChoice = !base || base === DEFAULT_BASE_IMAGE ? 'default' : base === OFFLINE_BASE_IMAGE ? 'offline' : 'custom';
  return {
    reference,
    baseChoice,
    customBase: baseChoice === 'custom' ? base ?? '' : '',
    platform: image?.platform ?? 'linux/amd64',
    noCache: false,
    baseTouched: !!base,
  };
}

export function baseOf(draft: ImageDraft): string {
  if (draft.baseChoice === 'offline') return OFFLINE_BASE_IMAGE;
  if (draft.baseChoice === 'custom') return draft.customBase.trim();
  return DEFAULT_BASE_IMAGE;
}

// Docker's reference grammar, simplified: [registry[:port]/]path[:tag], lower-case path components.
const REFERENCE = /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?$/;

/** A plain-words problem with the draft, per field, or none. */
export function draftProblems(draft: ImageDraft): { reference?: string; base?: string } {
  const problems: { reference?: string; base?: string } = {};
  const reference = draft.reference.trim();
  if (reference && !REFERENCE.test(reference)) {
    problems.reference = 'Use name:tag with lower-case letters, digits, dots and dashes, e.g. iris:1.0 or registry.example.com/team/iris:1.0.';
  }
  if (draft.baseChoice === 'custom' && !REFERENCE.test(draft.customBase.trim())) {
    problems.base = 'Name an image as Docker does, e.g. node:20-slim or gcr.io/distroless/nodejs20-debian12.';
  }
  return problems;
}

export function buildRequest(modelPath: string, specPath: string | undefined, draft: ImageDraft): ImageBuildRequest {
  const reference = draft.reference.trim();
  return {
    modelPath,
    specPath,
    tag: reference || undefined,
    base: baseOf(draft),
    platform: draft.platform,
    noCache: draft.noCache,
  };
}

/** "registry.example.com/team/iris:3" -> { name: "team/iris", tag: "3" }; the registry part is dropped. */
export function repositoryOf(reference: string): { name: string; tag: string } {
  const at = reference.indexOf('@');
  const plain = at >= 0 ? reference.slice(0, at) : reference;
  const slash = plain.lastIndexOf('/');
  const colon = plain.lastIndexOf(':');
  const hasTag = colon > slash;
  const path = hasTag ? plain.slice(0, colon) : plain;
  const tag = hasTag ? plain.slice(colon + 1) : 'latest';
  const parts = path.split('/');
  const first = parts[0];
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  return { name: (hasRegistry ? parts.slice(1) : parts).join('/'), tag };
}
