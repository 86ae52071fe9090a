/**
 * The proxy's loggers and their levels, changeable at run time through `/logging` as Envoy's
 * admin allows: `POST /logging?level=debug` sets every logger, `POST /logging?upstream=trace` one.
 */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warning', 'error', 'critical', 'off'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The proxy's logger names (stages that log). */
export const LOGGERS = [
  'main',
  'admin',
  'config',
  'connection',
  'http',
  'router',
  'upstream',
  'xds',
] as const;

export class LogLevels {
  private readonly levels = new Map<string, number>();

  constructor(initial: LogLevel = 'info') {
    for (const name of LOGGERS) this.levels.set(name, LOG_LEVELS.indexOf(initial));
  }

  /** Whether a message of `level` from `logger` is written. */
  enabled(logger: string, level: LogLevel): boolean {
    const min = this.levels.get(logger) ?? this.levels.get('main')!;
    return LOG_LEVELS.indexOf(level) >= min && min < LOG_LEVELS.indexOf('off');
  }

  /** Sets one logger (or all with `logger` undefined); returns an error message for bad input. */
  set(logger: string | undefined, level: string): string | undefined {
    const idx = LOG_LEVELS.indexOf(level as LogLevel);
    if (idx < 0) return `unknown level "${level}" (levels: ${LOG_LEVELS.join(', ')})`;
    if (logger === undefined) {
      for (const name of this.levels.keys()) this.levels.set(name, idx);
      return undefined;
    }
    if (!this.levels.has(logger))
      return `unknown logger "${logger}" (loggers: ${[...this.levels.keys()].join(', ')})`;
    this.levels.set(logger, idx);
    return undefined;
  }

  /** `name: level` lines, as Envoy's /logging prints its active loggers. */
  describe(): string {
    return [...this.levels].map(([n, i]) => `  ${n}: ${LOG_LEVELS[i]}\n`).join('');
  }
}
