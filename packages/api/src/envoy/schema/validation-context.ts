import type { ConfigIssue } from '../config-issue.ts';

/** What a name in one resource can refer to in another; checked once the whole config is read. */
export type ReferenceKind =
  | 'cluster'
  | 'secret'
  | 'tls_certificate_secret'
  | 'validation_context_secret'
  | 'ads_resource'
  | 'sds_secret'
  | 'ads';

/** A name used at `ctx.path`, to be resolved against the definitions of the same kind. */
export interface Reference {
  readonly kind: ReferenceKind;
  readonly name: string;
  /** What the reference is, for messages, e.g. `route configuration "local"`. */
  readonly what: string;
  readonly ctx: ValidationContext;
}

interface Sink {
  readonly errors: ConfigIssue[];
  readonly warnings: ConfigIssue[];
  readonly references: Reference[];
  readonly definitions: Map<ReferenceKind, Set<string>>;
}

/**
 * Where the validator is in the input, plus the shared place where issues, references and definitions
 * are collected. Contexts are immutable: `field`, `item`, `key` and `labelled` return a child.
 */
export class ValidationContext {
  /** snake_case path with indexes; empty at the top level. */
  readonly path: string;
  readonly #sink: Sink;
  readonly #labels: readonly string[];
  readonly #suppressed: ReadonlySet<ReferenceKind>;

  private constructor(
    sink: Sink,
    path: string,
    labels: readonly string[],
    suppressed: ReadonlySet<ReferenceKind>,
  ) {
    this.#sink = sink;
    this.path = path;
    this.#labels = labels;
    this.#suppressed = suppressed;
  }

  /** A fresh context with its own issue lists. */
  static root(): ValidationContext {
    const sink: Sink = { errors: [], warnings: [], references: [], definitions: new Map() };
    return new ValidationContext(sink, '', [], new Set());
  }

  field(name: string): ValidationContext {
    return this.#at(this.path === '' ? name : `${this.path}.${name}`);
  }

  item(index: number): ValidationContext {
    return this.#at(`${this.path}[${index}]`);
  }

  key(key: string): ValidationContext {
    return this.#at(`${this.path}[${JSON.stringify(key)}]`);
  }

  /** Messages reported below this point start with `label`, e.g. `listener "ingress"`. */
  labelled(label: string): ValidationContext {
    return new ValidationContext(this.#sink, this.path, [...this.#labels, label], this.#suppressed);
  }

  /** References of `kind` recorded below this point are dropped (e.g. `validate_clusters: false`). */
  suppressing(kind: ReferenceKind): ValidationContext {
    return new ValidationContext(this.#sink, this.path, this.#labels, new Set([...this.#suppressed, kind]));
  }

  error(code: string, message: string): void {
    this.#sink.errors.push({ path: this.path, message: this.#withLabels(message), code });
  }

  warn(code: string, message: string): void {
    this.#sink.warnings.push({ path: this.path, message: this.#withLabels(message), code });
  }

  /** Records that `name` is used here as a `kind`; `what` describes the user for messages. */
  reference(kind: ReferenceKind, name: string, what: string): void {
    if (!this.#suppressed.has(kind)) this.#sink.references.push({ kind, name, what, ctx: this });
  }

  /** Records that a `kind` called `name` exists. */
  define(kind: ReferenceKind, name: string): void {
    let names = this.#sink.definitions.get(kind);
    if (names === undefined) this.#sink.definitions.set(kind, (names = new Set()));
    names.add(name);
  }

  isDefined(kind: ReferenceKind, name: string): boolean {
    return this.#sink.definitions.get(kind)?.has(name) ?? false;
  }

  get errorCount(): number {
    return this.#sink.errors.length;
  }

  get errors(): readonly ConfigIssue[] {
    return this.#sink.errors;
  }

  get warnings(): readonly ConfigIssue[] {
    return this.#sink.warnings;
  }

  get references(): readonly Reference[] {
    return this.#sink.references;
  }

  #at(path: string): ValidationContext {
    return new ValidationContext(this.#sink, path, this.#labels, this.#suppressed);
  }

  #withLabels(message: string): string {
    return this.#labels.length === 0 ? message : `${this.#labels.join(', ')}: ${message}`;
  }
}
