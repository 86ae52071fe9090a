/**
 * Where services come from. The local registry derives them from config objects (ServiceEntry +
 * WorkloadEntry, Kubernetes Service + Endpoints/EndpointSlice manifests); a Kubernetes API
 * registry will implement the same interface by watching the API server.
 */
import type { MeshService } from '../model/mesh-service.ts';

export interface ServiceRegistry {
  readonly name: string;
  /** The current services; a new array (and new objects) after each change. */
  services(): readonly MeshService[];
  /** Called after the set of services changed. Returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
}
