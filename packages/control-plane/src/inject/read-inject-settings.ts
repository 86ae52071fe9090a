/**
 * Injection settings from a file (the chart's `tandem-injection` ConfigMap), checked at the edge:
 * every key must be a setting Tandem knows, with the type of its default. Returns the overrides, or
 * throws an `InjectError` naming the key.
 */
import { InjectError, InjectErrorCode } from './inject-error.ts';
import { defaultInjectSettings, type InjectSettings } from './inject-settings.ts';
import { isRecord } from './kube-pod.ts';

export function readInjectSettings(doc: unknown, source: string): Partial<InjectSettings> {
  const fail = (why: string): never => {
    throw new InjectError(InjectErrorCode.settings, `${source}: ${why}`);
  };
  if (doc === null || doc === undefined) return {};
  if (!isRecord(doc)) return fail('injection settings must be a mapping');
  const defaults = defaultInjectSettings() as unknown as Record<string, unknown>;
  const known = [...Object.keys(defaults), 'imagePullPolicy'];
  for (const [key, value] of Object.entries(doc)) {
    if (!known.includes(key)) fail(`unknown setting "${key}" (known: ${known.join(', ')})`);
    const want = key === 'imagePullPolicy' ? 'string' : typeof defaults[key];
    if (typeof value !== want) fail(`${key} must be a ${want}, got ${JSON.stringify(value)}`);
    if (key === 'resources') {
      for (const [part, quantities] of Object.entries(value as Record<string, unknown>)) {
        if (part !== 'requests' && part !== 'limits') fail(`resources.${part}: expected requests or limits`);
        if (!isRecord(quantities)) fail(`resources.${part} must be a mapping`);
        for (const [name, q] of Object.entries(quantities as Record<string, unknown>))
          if (typeof q !== 'string' && typeof q !== 'number')
            fail(`resources.${part}.${name} must be a quantity`);
      }
    }
  }
  return doc as Partial<InjectSettings>;
}
