import { ApiException } from '@kubernetes/client-node';
import { ModelDockError } from '../../../shared/errors';

/** Where a failed request was going: names the context, server and object in the message. */
export interface RequestScene {
  context: string;
  server: string;
  namespace: string;
  /** "Deployment/iris", when the request was about one object. */
  object?: string;
  /** "apply", "dry-run apply", "read": what was being done. */
  action: string;
  /** The caller's signal: an abort while it is not aborted was the request's own timeout. */
  signal?: AbortSignal;
}

/** The API server's Status body (https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/status/). */
interface ApiStatus {
  message?: string;
  reason?: string;
  details?: { kind?: string; name?: string; causes?: { field?: string; message?: string }[] };
}

/**
 * Anything a request to the cluster threw, as a ModelDockError that says what happened in plain words and what to do
 * next: credentials, permissions, a rejected object, a missing namespace or kind, a conflict, or no answer at all.
 */
export function clusterError(error: unknown, scene: RequestScene): ModelDockError {
  if (error instanceof ModelDockError) return error;
  const where = `${scene.object ? `${scene.object} in ` : ''}namespace "${scene.namespace}" of context "${scene.context}"`;
  if (isAbort(error)) return abortedOrTimedOut(error, scene);
  if (error instanceof ApiException) return fromStatus(Number(error.code), parseStatus(error.body), scene, where);
  const text = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string } | null)?.code ?? '';
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ECONNRESET|EAI_AGAIN|socket hang up/i.test(`${code} ${text}`)) {
    return new ModelDockError({
      code: 'cluster-unreachable',
      title: 'The cluster cannot be reached',
      message: `Nothing answered at ${scene.server} (context "${scene.context}"): ${code || firstLine(text)}.`,
      fix: `Check that the cluster is running and that this computer can reach it (VPN, network); "kubectl --context ${scene.context} cluster-info" should answer.`,
      detail: text,
    });
  }
  if (/certificate|self[- ]signed|CERT_|SSL|TLS/i.test(`${code} ${text}`)) {
    return new ModelDockError({
      code: 'cluster-tls',
      title: 'The cluster\'s certificate is not trusted',
      message: `The connection to ${scene.server} failed its TLS check (${code || firstLine(text)}).`,
      fix: 'Get a current kubeconfig for this cluster (its certificate authority may have changed), then try again.',
      detail: text,
    });
  }
  if (/exec|token|credential|refresh|oidc|auth/i.test(text)) {
    return new ModelDockError({
      code: 'cluster-credentials',
      title: 'Your cluster login could not be used',
      message: `The credentials of context "${scene.context}" could not be obtained: ${firstLine(text)}.`,
      fix: 'Log in again with the tool your cluster uses (gcloud, aws, az, oidc-login...), then try again; kubectl should work first.',
      detail: text,
    });
  }
  if (/Unrecognized API version and kind: (\S+) (\S+)/.test(text)) {
    const [, apiVersion, kind] = /Unrecognized API version and kind: (\S+) (\S+)/.exec(text)!;
    return unknownKind(apiVersion, kind, scene);
  }
  return new ModelDockError({
    code: 'cluster-request-failed',
    title: 'The request to the cluster failed',
    message: `${scene.action} of ${where} failed: ${firstLine(text)}.`,
    fix: 'Try again; if it keeps failing, check the cluster with kubectl and the details below.',
    detail: text,
  });
}

function fromStatus(status: number, body: ApiStatus, scene: RequestScene, where: string): ModelDockError {
  const said = body.message ? `: ${body.message}` : '';
  const detail = JSON.stringify(body);
  if (status === 401) {
    return new ModelDockError({
      code: 'cluster-unauthorized',
      title: 'The cluster did not accept your login',
      message: `The API server at ${scene.server} answered 401 Unauthorized for context "${scene.context}": the credentials are missing or have expired.`,
      fix: 'Log in to the cluster again (e.g. refresh your cloud CLI login or get a new kubeconfig), check that kubectl works, then try again.',
      detail,
    });
  }
  if (status === 403) {
    return new ModelDockError({
      code: 'cluster-forbidden',
      title: 'Not allowed by the cluster',
      message: `You may not ${scene.action} ${where}${said}.`,
      fix: `Ask your cluster admin for permission to create and patch these objects in namespace "${scene.namespace}" (RBAC), or choose a namespace you may deploy to.`,
      detail,
    });
  }
  if (status === 404 && (body.details?.kind === 'namespaces' || /namespaces? "[^"]+" not found/.test(body.message ?? ''))) {
    return namespaceMissing(scene);
  }
  if (status === 404 && /resource metadata|the server could not find the requested resource/i.test(`${body.message ?? ''}`)) {
    return new ModelDockError({
      code: 'cluster-kind-unknown',
      title: 'The cluster does not know this kind of object',
      message: `${scene.object ?? 'An object'} cannot be applied: the cluster has no such API${said}.`,
      fix: 'Turn the setting that adds it off (e.g. the ServiceMonitor needs the Prometheus Operator), or ask your cluster admin to install it.',
      detail,
    });
  }
  if (status === 409) {
    return new ModelDockError({
      code: 'cluster-conflict',
      title: 'Another tool manages some of these fields',
      message: `${scene.object ?? 'An object'} has fields owned by another manager (kubectl, Helm, a controller)${said}.`,
      fix: 'Apply again with "Take over conflicting fields" (--force-conflicts) if ModelDock should own them from now on, or change them where they are managed.',
      detail,
    });
  }
  if (status === 422 || status === 400) {
    const causes = (body.details?.causes ?? []).map((c) => `${c.field ? `${c.field}: ` : ''}${c.message ?? ''}`).filter(Boolean);
    return new ModelDockError({
      code: 'cluster-rejected',
      title: 'The cluster rejected an object',
      message: `The API server refused ${where} as invalid${causes.length > 0 ? `: ${causes.slice(0, 3).join('; ')}` : said}.`,
      fix: 'Change the setting behind the field named above; if the field is one ModelDock generates on its own, report it with the details below.',
      detail,
    });
  }
  return new ModelDockError({
    code: 'cluster-error',
    title: status >= 500 ? 'The cluster had a problem' : 'The cluster refused the request',
    message: `${scene.action} of ${where} failed with HTTP ${status}${said}.`,
    fix: status >= 500 ? 'Wait a moment and try again; if it persists, ask your cluster admin.' : 'Check the details below, then try again.',
    detail,
  });
}

export function namespaceMissing(scene: Pick<RequestScene, 'context' | 'namespace'>): ModelDockError {
  return new ModelDockError({
    code: 'namespace-missing',
    title: 'The namespace does not exist',
    message: `The cluster of context "${scene.context}" has no namespace "${scene.namespace}".`,
    fix: `Let ModelDock create it ("Create the namespace", --create-namespace), choose an existing namespace, or ask your cluster admin to create "${scene.namespace}".`,
  });
}

export function unknownKind(apiVersion: string, kind: string, scene: Pick<RequestScene, 'context'>): ModelDockError {
  const operator = kind === 'ServiceMonitor' ? ' The ServiceMonitor needs the Prometheus Operator: turn "ServiceMonitor" off in the settings, or install the operator.' : '';
  return new ModelDockError({
    code: 'cluster-kind-unknown',
    title: 'The cluster does not know this kind of object',
    message: `The cluster of context "${scene.context}" does not serve ${kind} (${apiVersion}).${operator}`,
    fix: operator ? 'Turn the ServiceMonitor off, or ask your cluster admin to install the Prometheus Operator.' : `Turn off the setting that adds the ${kind}, or ask your cluster admin to enable ${apiVersion}.`,
  });
}

function abortedOrTimedOut(error: unknown, scene: RequestScene): ModelDockError {
  const timedOut = scene.signal ? !scene.signal.aborted : (error as { name?: string }).name === 'TimeoutError';
  if (!timedOut) return new ModelDockError({ code: 'cancelled', title: 'Cancelled', message: 'The operation was cancelled.' });
  return new ModelDockError({
    code: 'cluster-unreachable',
    title: 'The cluster does not answer',
    message: `${scene.server} (context "${scene.context}") did not answer in time.`,
    fix: `Check that the cluster is running and reachable from this computer (VPN, network); "kubectl --context ${scene.context} cluster-info" should answer.`,
  });
}

function isAbort(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError' || (error as { type?: string } | null)?.type === 'aborted';
}

function parseStatus(body: unknown): ApiStatus {
  if (body && typeof body === 'object') return body as ApiStatus;
  if (typeof body !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed && typeof parsed === 'object' ? parsed as ApiStatus : { message: body.slice(0, 300) };
  } catch {
    return { message: body.slice(0, 300) };
  }
}

/** A 404 about the object itself (it does not exist yet), not about the namespace it would live in. */
export function isNotFound(error: unknown, kind: string): boolean {
  if (!(error instanceof ApiException) || Number(error.code) !== 404) return false;
  return kind === 'Namespace' || parseStatus(error.body).details?.kind !== 'namespaces';
}

function firstLine(text: string): string {
  return text.split('\n')[0].slice(0, 240);
}
