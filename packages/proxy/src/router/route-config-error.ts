/**
 * Raised by `compileRouteConfiguration` for anything that can only be found when the config is
 * compiled: a regex that does not parse, an unknown `%VAR%` in a header value, a duplicate domain.
 * `path` names the offending field, e.g. `virtualHosts[0].routes[2].match.path.regex`.
 */
export class RouteConfigError extends Error {
  readonly code = 'TANDEM_ERR_ROUTE_CONFIG';
  /** The route configuration's name. */
  readonly routeConfig: string;
  /** Path of the offending field inside the route configuration. */
  readonly path: string;
  /** Why the field was rejected, without the location prefix. */
  readonly reason: string;

  constructor(routeConfig: string, path: string, reason: string) {
    super(`route configuration "${routeConfig}": ${path}: ${reason}`);
    this.name = 'RouteConfigError';
    this.routeConfig = routeConfig;
    this.path = path;
    this.reason = reason;
  }
}

/**
 * Where a compile step is in the config, so that nested compilers can report errors with a full
 * path without knowing their parents.
 */
export class ConfigPath {
  readonly routeConfig: string;
  readonly path: string;

  constructor(routeConfig: string, path: string) {
    this.routeConfig = routeConfig;
    this.path = path;
  }

  /** A child location: `at('headers')`, `at(3)` for an array index. */
  at(key: string | number): ConfigPath {
    if (typeof key === 'number') return new ConfigPath(this.routeConfig, `${this.path}[${key}]`);
    return new ConfigPath(this.routeConfig, this.path === '' ? key : `${this.path}.${key}`);
  }

  /** An error for this location. */
  error(reason: string): RouteConfigError {
    return new RouteConfigError(this.routeConfig, this.path === '' ? '(root)' : this.path, reason);
  }
}
