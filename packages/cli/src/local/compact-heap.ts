/**
 * Gives back to the operating system the heap a sidecar's start-up leaves dead: the parsed .proto files
 * the xDS root was compacted from, the first config's intermediate JSON, the CSR, ... V8 frees dead objects
 * of its old generation only at a full collection, which an idle sidecar may not reach for hours, so
 * they stay resident (about 8 MB a sidecar on bookinfo).
 *
 * Runs when the process has `gc` (node `--expose-gc`, which the sidecars `tandem up` starts get): two
 * full collections, the first frees the dead objects, the second compacts the pages the first left
 * sparse, so V8 can unmap them. About 30 ms, once, when the sidecar is ready; never on the request path.
 *
 * @returns whether it ran
 */
export function compactHeap(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return false;
  gc();
  gc();
  return true;
}
