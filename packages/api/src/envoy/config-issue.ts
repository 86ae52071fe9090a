/**
 * One problem found in a configuration. `path` names the field in snake_case with array indexes, e.g.
 * `static_resources.listeners[0].filter_chains[1].filters[0].typed_config.stat_prefix`; it is empty for the
 * top level. `code` is one of `ConfigIssueCode`.
 */
export interface ConfigIssue {
  path: string;
  message: string;
  code: string;
}

/**
 * Renders an issue on one line for people.
 *
 * @example
 * formatConfigIssue({ path: 'admin', message: 'expected an object', code: 'TANDEM_ERR_CONFIG_TYPE' });
 * // => 'admin: expected an object [TANDEM_ERR_CONFIG_TYPE]'
 */
export function formatConfigIssue(issue: ConfigIssue): string {
  return `${issue.path === '' ? '(top level)' : issue.path}: ${issue.message} [${issue.code}]`;
}
