import { useEffect, useMemo, useRef, useState } from 'react';
import type { Progress, Response } from '../../../shared/contract';
import type { ErrorInfo } from '../../../shared/errors';
import type { BuildRecord } from '../../../shared/schemas/docker';
import { api } from '../../api/client';
import { errorInfoOf, isCancelled } from '../../api/api-error';
import { Card } from '../../components/Card';
import { CodeBlock } from '../../components/CodeBlock';
import { CopyButton } from '../../components/CopyButton';
import { ErrorBanner } from '../../components/ErrorBanner';
import { ProgressBar } from '../../components/ProgressBar';
import { Why } from '../../components/Why';
import { bytesText } from '../../format';
import { repositoryOf } from './image-settings';

type Logins = Response<'registry.list'>['registries'];
type PushResult = Response<'image.push'>;

/** Send an image to a registry (where servers and Kubernetes pull it from), signing in first when needed. */
export function PushCard({ builds, onPushed }: { builds: BuildRecord[]; onPushed: () => void }) {
  const images = useMemo(() => builds.filter((b, i) => b.present && builds.findIndex((o) => o.imageId === b.imageId) === i), [builds]);
  /** The image id: two builds can share a name:tag (the newer one took it). */
  const [image, setImage] = useState(images[0]?.imageId ?? '');
  const record = images.find((b) => b.imageId === image) ?? null;
  const [registry, setRegistry] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(true);
  const [target, setTarget] = useState('');
  const [targetTouched, setTargetTouched] = useState(false);
  const [logins, setLogins] = useState<Logins>([]);
  const [signingIn, setSigningIn] = useState(false);
  const [pushing, setPushing] = useState(false);
  const [progress, setProgress] = useState<Progress<'image.push'> | null>(null);
  const [result, setResult] = useState<PushResult | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    api.call('registry.list', {}).then(({ registries }) => setLogins(registries)).catch(() => {});
  }, []);
  // A newer build becomes the default choice.
  useEffect(() => {
    if (!images.some((b) => b.imageId === image)) setImage(images[0]?.imageId ?? '');
  }, [images, image]);
  // The target follows the image and registry until the user writes one.
  useEffect(() => {
    if (targetTouched || !record) return;
    const { name, tag } = repositoryOf(record.reference);
    setTarget(registry.trim() ? `${registry.trim()}/${name}:${tag}` : '');
  }, [record, registry, targetTouched]);

  const login = logins.find((l) => l.registry === registry.trim());

  async function signIn() {
    setSigningIn(true);
    setError(null);
    try {
      const answer = await api.call('registry.login', { registry: registry.trim(), username: username.trim(), password, remember });
      setPassword('');
      setLogins((old) => [...old.filter((l) => l.registry !== answer.registry), { registry: answer.registry, username: answer.username, storedIn: answer.storedIn }]);
    } catch (e) {
      setError(errorInfoOf(e));
    } finally {
      setSigningIn(false);
    }
  }

  async function signOut() {
    try {
      setLogins((await api.call('registry.logout', { registry: registry.trim() })).registries);
    } catch (e) {
      setError(errorInfoOf(e));
    }
  }

  async function push() {
    const controller = new AbortController();
    abort.current = controller;
    setPushing(true);
    setError(null);
    setResult(null);
    setProgress(null);
    try {
      setResult(await api.call('image.push', { image, target: target.trim() || undefined }, { signal: controller.signal, onProgress: setProgress }));
      onPushed();
    } catch (e) {
      if (!isCancelled(e) && !controller.signal.aborted) setError(errorInfoOf(e));
    } finally {
      setPushing(false);
      setProgress(null);
      abort.current = null;
    }
  }

  const layerStates = progress ? Object.values(progress.layers) : [];
  const pushedLayers = layerStates.filter((s) => /pushed|already exists/i.test(s)).length;
  return (
    <Card
      title="Push to a registry"
      subtitle="A registry stores images for servers and Kubernetes to download: Docker Hub, GitHub, your cloud's, or your company's."
      testId="push-card"
    >
      <div className="settings settings-aligned">
        <div className="setting">
          <label className="setting-label" htmlFor="push-image">Image</label>
          <div className="setting-control">
            <select id="push-image" className="input mono select-wide" value={image} onChange={(e) => setImage(e.target.value)} disabled={pushing} data-testid="push-image">
              {images.map((b) => <option key={b.imageId} value={b.imageId}>{b.reference} · {b.imageId.replace(/^sha256:/, '').slice(0, 12)} · {bytesText(b.sizeBytes)}</option>)}
            </select>
          </div>
          <p className="setting-help">The version to send.</p>
        </div>
        <div className="setting">
          <label className="setting-label" htmlFor="push-registry">Registry</label>
          <div className="setting-control">
            <input id="push-registry" className="input mono input-wide" value={registry} placeholder="ghcr.io/your-team" onChange={(e) => setRegistry(e.target.value.trim())} disabled={pushing} data-testid="push-registry" />
          </div>
          <p className="setting-help">Its address, as your platform team gave it: e.g. ghcr.io, registry.example.com or 127.0.0.1:5000.</p>
        </div>
        <div className="setting setting-top">
          <div className="setting-label">Sign in</div>
          <div className="setting-control">
            {login ? (
              <span className="signed-in" data-testid="push-signed-in">
                Signed in as <strong>{login.username}</strong> <span className="muted">({login.storedIn === 'keychain' ? 'kept in the system keychain' : login.storedIn === 'session' ? 'until ModelDock quits' : 'from Docker\'s own config'})</span>
                {login.storedIn !== 'docker-config' && <button type="button" className="link-button" onClick={() => void signOut()} data-testid="push-sign-out">Sign out</button>}
              </span>
            ) : (
              <div className="sign-in-form">
                <input className="input" value={username} placeholder="user name" aria-label="User name" autoComplete="username" onChange={(e) => setUsername(e.target.value)} data-testid="push-username" />
                <input className="input" type="password" value={password} placeholder="password or token" aria-label="Password or token" autoComplete="current-password" onChange={(e) => setPassword(e.target.value)} data-testid="push-password" />
                <label className="toggle-label">
                  <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} data-testid="push-remember" /> Remember
                </label>
                <button type="button" className="button" disabled={!registry.trim() || !username.trim() || !password || signingIn} onClick={() => void signIn()} data-testid="push-login">
                  {signingIn && <span className="spinner" aria-hidden="true" />} Sign in
                </button>
              </div>
            )}
          </div>
          <p className="setting-help">Checked with the registry before anything is sent. Kept in the system keychain, never in the spec or the logs.</p>
        </div>
        <div className="setting">
          <label className="setting-label" htmlFor="push-target">Push as</label>
          <div className="setting-control">
            <input id="push-target" className="input mono input-wide" value={target} placeholder="registry/name:tag" onChange={(e) => { setTarget(e.target.value.trim()); setTargetTouched(true); }} disabled={pushing} data-testid="push-target" />
          </div>
          <p className="setting-help">The image's full name in the registry: registry address, name and tag.</p>
        </div>
      </div>

      <div className="load-actions">
        {pushing ? (
          <div className="progress-with-cancel">
            <ProgressBar testId="push-progress" value={progress ? progress.fraction : null}
              label={progress ? `${pushedLayers}/${layerStates.length} layers · ${bytesText(progress.bytesDone)} of ${bytesText(progress.bytesTotal)}` : 'Connecting to the registry…'} />
            <button type="button" className="button" onClick={() => abort.current?.abort()} data-testid="push-cancel">Cancel</button>
          </div>
        ) : (
          <button type="button" className="button button-primary" disabled={!image || !target.trim()} onClick={() => void push()} data-testid="push-run">Push</button>
        )}
      </div>

      {error && <ErrorBanner error={error} onDismiss={() => setError(null)} testId="push-error" />}
      {result && !pushing && (
        <div className="push-result" data-testid="push-result">
          <div className="push-digest">
            <span className="muted">Digest</span>
            <span className="mono" data-testid="push-digest">{result.digest}</span>
            <CopyButton text={result.digest} label="Copy" testId="push-digest-copy" />
          </div>
          <p className="field-help">Pull exactly this build, whatever later happens to the tag:</p>
          <CodeBlock code={`docker pull ${result.pinned}`} language="shell" testId="push-pinned" />
        </div>
      )}
      <Why summary="Why a digest?">
        <p>A tag like "iris:1.0" can be moved to another image later. The digest (sha256:…) is the image's fingerprint: a Kubernetes deployment that names it always runs exactly this build.</p>
      </Why>
    </Card>
  );
}
