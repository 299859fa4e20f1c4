/** Splitting an image reference ("registry:5000/team/iris:3@sha256:...") into its name and tag. */

/** "repo:tag" -> ["repo", "tag"]; no tag -> ["repo", undefined]. A colon before the last "/" is a registry port, not a tag. */
export function splitTag(reference: string): [string, string | undefined] {
  const colon = reference.lastIndexOf(':');
  return colon > reference.lastIndexOf('/') ? [reference.slice(0, colon), reference.slice(colon + 1)] : [reference, undefined];
}

/** "repo:tag" -> ["repo", "tag"], any digest dropped; no tag -> "latest". */
export function splitReference(reference: string): [string, string] {
  const at = reference.indexOf('@');
  const [repo, tag] = splitTag(at >= 0 ? reference.slice(0, at) : reference);
  return [repo, tag ?? 'latest'];
}
