import { ModelDockError } from '../../shared/errors';

export interface ImageRef {
  /** What the Deployment's image field gets: "name:tag", or "name:tag@sha256:..." when pinned. */
  reference: string;
  /** The tag, or null when the reference has none (Kubernetes then pulls "latest"). */
  tag: string | null;
  digest: string | null;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * Splits "registry:5000/team/iris:3@sha256:..." into its tag and digest. The tag is what follows the last colon of
 * the last path segment, so a registry port is never mistaken for one.
 */
export function parseImageRef(image: string, digest?: string): ImageRef {
  const trimmed = image.trim();
  if (!trimmed || /\s/.test(trimmed)) {
    throw new ModelDockError({
      code: 'bad-image-reference',
      title: 'Invalid image reference',
      message: `"${image}" is not an image reference: expected NAME:TAG, e.g. "registry.example.com/team/iris:3".`,
      fix: 'Give the image that was built (and pushed), with its tag.',
    });
  }
  const at = trimmed.indexOf('@');
  const named = at >= 0 ? trimmed.slice(0, at) : trimmed;
  const ownDigest = at >= 0 ? trimmed.slice(at + 1) : null;
  if (ownDigest !== null && !DIGEST.test(ownDigest)) {
    throw new ModelDockError({
      code: 'bad-image-digest',
      title: 'Invalid image digest',
      message: `The digest in "${image}" is not "sha256:" followed by 64 hex digits.`,
      fix: 'Copy the digest the push reported, e.g. sha256:3f1c...',
    });
  }
  if (ownDigest && digest && ownDigest !== digest) {
    throw new ModelDockError({
      code: 'digest-mismatch',
      title: 'Two different digests',
      message: `The image "${image}" names a digest that differs from the digest given (${digest}).`,
      fix: 'Give the digest once, either in the image reference or separately.',
    });
  }
  const lastSegment = named.slice(named.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon >= 0 ? lastSegment.slice(colon + 1) : null;
  const pinned = ownDigest ?? digest ?? null;
  return { reference: pinned ? `${named}@${pinned}` : named, tag: tag || null, digest: pinned };
}
