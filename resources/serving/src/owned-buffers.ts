/**
 * ArrayBuffers the server allocated for one request and nobody else references (a binary request body). Tensors
 * may be views into them instead of copies, and the whole buffer may be handed to an inference thread even though
 * no single view covers it: the request gives it up when it submits its inputs.
 */
const owned = new WeakSet<ArrayBuffer>();

export function markOwned(buffer: ArrayBuffer): void {
  owned.add(buffer);
}

export function isOwned(buffer: ArrayBufferLike): buffer is ArrayBuffer {
  return buffer instanceof ArrayBuffer && owned.has(buffer);
}
