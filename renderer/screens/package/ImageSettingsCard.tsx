import type { DockerStatus } from '../../../shared/schemas/docker';
import { DEFAULT_BASE_IMAGE, OFFLINE_BASE_IMAGE, PLATFORMS, type Platform } from '../../../shared/schemas/spec';
import { Card } from '../../components/Card';
import { Why } from '../../components/Why';
import type { BaseChoice, ImageDraft } from './image-settings';

interface ImageSettingsCardProps {
  draft: ImageDraft;
  onChange: (draft: ImageDraft) => void;
  problems: { reference?: string; base?: string };
  /** What the engine would name the image when the field is empty. */
  defaultReference: string | null;
  docker: DockerStatus | null;
  disabled: boolean;
}

const PLATFORM_HELP: Record<Platform, string> = {
  'linux/amd64': 'Intel and AMD servers: most clouds and clusters',
  'linux/arm64': 'ARM servers: AWS Graviton, Apple silicon',
};

/** Name, base and platform of the image, each with a sentence of what it means. */
export function ImageSettingsCard({ draft, onChange, problems, defaultReference, docker, disabled }: ImageSettingsCardProps) {
  const set = (patch: Partial<ImageDraft>) => onChange({ ...draft, ...patch });
  const chooseBase = (baseChoice: BaseChoice) => set({ baseChoice, baseTouched: true });
  const present = (flag: boolean | null | undefined) => (flag === true ? 'on this machine' : flag === false ? 'not on this machine' : '');
  const hostPlatform = docker?.platform ?? null;
  return (
    <Card title="Image settings" subtitle="Saved with the image; the defaults suit most models." testId="image-settings">
      <fieldset className="settings settings-aligned plain-fieldset" disabled={disabled}>
        <div className="setting">
          <label className="setting-label" htmlFor="image-reference">Name and version</label>
          <div className="setting-control">
            <input id="image-reference" className="input mono input-wide" value={draft.reference} placeholder={defaultReference ?? 'model:version'}
              onChange={(e) => set({ reference: e.target.value })} data-testid="image-reference" aria-invalid={problems.reference ? true : undefined} />
            {problems.reference && <div className="field-error" data-testid="image-reference-problem">{problems.reference}</div>}
          </div>
          <p className="setting-help">What the image is called, as name:tag. The tag is the version: build 1.1 next to 1.0 and both stay available.</p>
        </div>

        <div className="setting setting-top">
          <div className="setting-label" id="base-label">Base image</div>
          <div className="setting-control base-options" role="radiogroup" aria-labelledby="base-label">
            <label className="radio-row">
              <input type="radio" name="base" checked={draft.baseChoice === 'default'} onChange={() => chooseBase('default')} data-testid="base-default" />
              <span><span className="mono">{DEFAULT_BASE_IMAGE}</span> <span className="muted">official · {present(docker?.defaultBasePresent) || 'downloaded when needed'}</span></span>
            </label>
            <label className="radio-row">
              <input type="radio" name="base" checked={draft.baseChoice === 'offline'} onChange={() => chooseBase('offline')} data-testid="base-offline" />
              <span><span className="mono">{OFFLINE_BASE_IMAGE}</span> <span className="muted">offline · {present(docker?.offlineBasePresent) || 'made on this computer'}</span></span>
            </label>
            <label className="radio-row">
              <input type="radio" name="base" checked={draft.baseChoice === 'custom'} onChange={() => chooseBase('custom')} data-testid="base-custom" />
              <span>Another image</span>
            </label>
            {draft.baseChoice === 'custom' && (
              <input className="input mono input-wide" value={draft.customBase} placeholder="gcr.io/distroless/nodejs20-debian12" aria-label="Base image name"
                onChange={(e) => set({ customBase: e.target.value })} data-testid="base-custom-name" />
            )}
            {problems.base && <div className="field-error" data-testid="base-problem">{problems.base}</div>}
          </div>
          <p className="setting-help">The starting point the image is built on: a small Linux with Node.js. Your company may require its own; any image with Node 20 or newer works.</p>
        </div>

        <div className="setting">
          <div className="setting-label" id="platform-label">Platform</div>
          <div className="setting-control">
            <div className="segmented" role="radiogroup" aria-labelledby="platform-label">
              {PLATFORMS.map((p) => (
                <button key={p} type="button" role="radio" aria-checked={draft.platform === p} className="segment mono"
                  onClick={() => set({ platform: p })} data-testid={`platform-${p.replace('/', '-')}`} title={PLATFORM_HELP[p]}>{p}</button>
              ))}
            </div>
          </div>
          <p className="setting-help">
            The kind of processor the servers have. {PLATFORM_HELP[draft.platform]}.
            {hostPlatform && hostPlatform !== draft.platform && <strong> This computer is {hostPlatform}: the image will not run here without emulation.</strong>}
          </p>
        </div>

        <div className="setting">
          <div className="setting-label">Build cache</div>
          <label className="setting-control toggle-label">
            <input type="checkbox" checked={draft.noCache} onChange={(e) => set({ noCache: e.target.checked })} data-testid="no-cache" />
            Rebuild every layer
          </label>
          <p className="setting-help">Normally unchanged layers are reused, so a new model version builds in seconds. Tick this only to rule the cache out.</p>
        </div>
      </fieldset>
      <Why summary="Why these settings?">
        <p>An image is built in layers, like a stack: the base, then ONNX Runtime, then ModelDock's server, then your model on top. Docker keeps each layer it has built; when only the model changes, only the top layer is rebuilt and everything below is reused.</p>
        <p>The version tag is how you and your platform team name what runs in production ("iris:1.2"). Pushing the image also gives it a digest, a fingerprint that never changes, to pin exactly this build.</p>
      </Why>
    </Card>
  );
}
