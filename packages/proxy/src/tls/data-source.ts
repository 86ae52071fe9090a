import fs from 'node:fs';
import type { DataSource } from '@tandem/api/envoy';
import { TlsConfigError } from './tls-config-error.ts';

/** How TLS config is read; tests inject files and environment variables through this. */
export interface TlsBuildOptions {
  /** Names the owner in errors, e.g. `listener "inbound" filter chain "mtls"`. */
  target?: string;
  /** Reads a `filename` DataSource; default fs.readFileSync. */
  readFile?: (path: string) => Buffer;
  /** Environment for `environment_variable` DataSources; default process.env. */
  env?: Record<string, string | undefined>;
}

/** Human description of where a DataSource's bytes come from, for error messages. */
export function describeDataSource(source: DataSource): string {
  switch (source.kind) {
    case 'filename':
      return `file "${source.filename}"`;
    case 'environmentVariable':
      return `environment variable "${source.name}"`;
    case 'inlineString':
      return 'inline string';
    case 'inlineBytes':
      return 'inline bytes';
  }
}

/**
 * Reads a DataSource once, at config time. Empty content is an error (Envoy rejects empty
 * certificate, key and CA sources). Throws TlsConfigError naming `field` and the source.
 */
export function loadDataSource(source: DataSource, field: string, options: TlsBuildOptions = {}): Buffer {
  const where = `${field} (${describeDataSource(source)})`;
  const content = readSource(source, options, (reason) => new TlsConfigError(options.target, where, reason));
  if (content.length === 0) throw new TlsConfigError(options.target, where, 'is empty');
  return content;
}

function readSource(
  source: DataSource,
  options: TlsBuildOptions,
  fail: (reason: string) => TlsConfigError,
): Buffer {
  switch (source.kind) {
    case 'inlineString':
      return Buffer.from(source.value, 'utf8');
    case 'inlineBytes':
      return Buffer.from(source.value);
    case 'environmentVariable': {
      const value = (options.env ?? process.env)[source.name];
      if (value === undefined) throw fail('environment variable is not set');
      return Buffer.from(value, 'utf8');
    }
    case 'filename':
      try {
        return (options.readFile ?? fs.readFileSync)(source.filename);
      } catch (err) {
        throw fail(describeFileError(err));
      }
  }
}

function describeFileError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, not a file';
  return `cannot read file: ${(err as Error).message}`;
}
