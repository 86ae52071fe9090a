/**
 * The query string of a `:path`, split the way Envoy's route matcher splits it
 * (`QueryParamsMulti::parseQueryString`): everything after the first `?`, fields separated by `&`,
 * name and value split at the first `=`, a field without `=` has the empty value. Nothing is
 * percent-decoded: Envoy matches names and values as they appear on the wire. Lookups return the
 * first value of a repeated name, as Envoy's matchers and hash policies do.
 */
export class QueryParams {
  /** Flat `[name0, value0, name1, value1, ...]` in order of appearance. */
  readonly list: readonly string[];

  private constructor(list: string[]) {
    this.list = list;
  }

  static readonly EMPTY = new QueryParams([]);

  /** Parses the query part of `path` (the whole `:path`, with or without a query). */
  static parse(path: string): QueryParams {
    const q = path.indexOf('?');
    if (q < 0 || q === path.length - 1) return QueryParams.EMPTY;
    const list: string[] = [];
    let start = q + 1;
    while (start < path.length) {
      let end = path.indexOf('&', start);
      if (end < 0) end = path.length;
      const eq = path.indexOf('=', start);
      if (eq >= 0 && eq < end) list.push(path.slice(start, eq), path.slice(eq + 1, end));
      else list.push(path.slice(start, end), '');
      start = end + 1;
    }
    return new QueryParams(list);
  }

  /** First value of `name`, or undefined when the name does not appear. */
  first(name: string): string | undefined {
    const l = this.list;
    for (let i = 0; i < l.length; i += 2) if (l[i] === name) return l[i + 1];
    return undefined;
  }
}
