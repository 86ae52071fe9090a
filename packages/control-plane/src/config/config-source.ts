/**
 * A source of validated Istio config objects other than the config directory: the Kubernetes API
 * (custom resources, watched). The control plane merges every source's objects with the directory's.
 */
import type { IstioObject } from '@tandem/api/istio';

export interface ConfigSource {
  readonly name: string;
  /** The current valid objects; a new array after each change. */
  objects(): readonly IstioObject[];
  /** Called after the objects changed. Returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
}
