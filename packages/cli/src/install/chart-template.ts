/**
 * A renderer for the subset of Helm's template language that Tandem's chart uses, so the plain
 * manifests and `tandem install --dry-run` come from the chart itself (Helm is not needed to render
 * it). Supported: `{{ .Values.a.b }}`, `.Release.Namespace|Name`, `.Chart.Version|AppVersion`;
 * `{{- ... -}}` whitespace trimming; template comments; `if` / `else` / `end` (Go template
 * truthiness); pipelines with `quote`, `toYaml`, `nindent N`, `indent N`, `not`, `default X`.
 * Anything else, and a reference to a value that does not exist, is an error naming the template
 * and the action, never silently empty.
 */
import { stringify } from 'yaml';

export const ChartErrorCode = 'TANDEM_ERR_CHART_TEMPLATE';

export class ChartTemplateError extends Error {
  readonly code = ChartErrorCode;
}

type Node =
  | { t: 'text'; s: string }
  | { t: 'out'; expr: string }
  | { t: 'if'; expr: string; yes: Node[]; no: Node[] };

export interface TemplateContext {
  Values: Record<string, unknown>;
  Release: { Name: string; Namespace: string };
  Chart: { Name: string; Version: string; AppVersion: string };
}

const FUNCTIONS = new Set(['quote', 'toYaml', 'nindent', 'indent', 'not', 'default']);

const ACTION = /\{\{(-?)\s*([\s\S]*?)\s*(-?)\}\}/g;

function tokenize(src: string): { text: string; action: string | undefined }[] {
  const out: { text: string; action: string | undefined }[] = [];
  let last = 0;
  let trimNext = false;
  for (const m of src.matchAll(ACTION)) {
    let text = src.slice(last, m.index);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (m[1] === '-') text = text.replace(/\s+$/, '');
    out.push({ text, action: m[2]!.startsWith('/*') ? undefined : m[2] });
    trimNext = m[3] === '-';
    last = m.index + m[0].length;
  }
  let rest = src.slice(last);
  if (trimNext) rest = rest.replace(/^\s+/, '');
  out.push({ text: rest, action: undefined });
  return out;
}

function parse(src: string, name: string): Node[] {
  const root: Node[] = [];
  const stack: { nodes: Node[]; node?: Extract<Node, { t: 'if' }>; inElse: boolean }[] = [
    { nodes: root, inElse: false },
  ];
  for (const { text, action } of tokenize(src)) {
    const top = stack[stack.length - 1]!;
    if (text !== '') top.nodes.push({ t: 'text', s: text });
    if (action === undefined) continue;
    if (action.startsWith('if ')) {
      const node: Node = { t: 'if', expr: action.slice(3).trim(), yes: [], no: [] };
      top.nodes.push(node);
      stack.push({ nodes: node.yes, node, inElse: false });
    } else if (action === 'else') {
      if (top.node === undefined || top.inElse) throw new ChartTemplateError(`${name}: "else" without "if"`);
      top.nodes = top.node.no;
      top.inElse = true;
    } else if (action === 'end') {
      if (stack.length === 1) throw new ChartTemplateError(`${name}: "end" without "if"`);
      stack.pop();
    } else top.nodes.push({ t: 'out', expr: action });
  }
  if (stack.length > 1) throw new ChartTemplateError(`${name}: "if" without "end"`);
  return root;
}

function words(command: string): string[] {
  return command.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
}

function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function indentLines(s: string, n: number): string {
  const pad = ' '.repeat(n);
  return s
    .split('\n')
    .map((l) => (l === '' ? l : pad + l))
    .join('\n');
}

export class ChartTemplate {
  private readonly nodes: Node[];
  private readonly name: string;

  constructor(name: string, source: string) {
    this.name = name;
    this.nodes = parse(source, name);
  }

  render(ctx: TemplateContext): string {
    return this.renderNodes(this.nodes, ctx);
  }

  private renderNodes(nodes: Node[], ctx: TemplateContext): string {
    let out = '';
    for (const n of nodes) {
      if (n.t === 'text') out += n.s;
      else if (n.t === 'out') out += this.format(this.evaluate(n.expr, ctx), n.expr);
      else out += this.renderNodes(truthy(this.evaluate(n.expr, ctx)) ? n.yes : n.no, ctx);
    }
    return out;
  }

  private format(v: unknown, expr: string): string {
    if (v === undefined || v === null)
      throw new ChartTemplateError(`${this.name}: {{ ${expr} }} has no value`);
    return typeof v === 'object' ? stringify(v).trimEnd() : String(v);
  }

  private evaluate(expr: string, ctx: TemplateContext): unknown {
    let piped: unknown;
    let first = true;
    for (const command of expr.split('|').map((c) => c.trim())) {
      const [head = '', ...args] = words(command);
      if ((args.length > 0 || !first) && !FUNCTIONS.has(head))
        throw new ChartTemplateError(`${this.name}: {{ ${expr} }}: unknown function "${head}"`);
      const values = args.map((a) => this.operand(a, ctx, expr));
      if (!first) values.push(piped);
      piped = this.call(head, values, ctx, expr, first && args.length === 0);
      first = false;
    }
    return piped;
  }

  private call(fn: string, args: unknown[], ctx: TemplateContext, expr: string, bare: boolean): unknown {
    const fail = (why: string): never => {
      throw new ChartTemplateError(`${this.name}: {{ ${expr} }}: ${why}`);
    };
    switch (fn) {
      case 'quote':
        return JSON.stringify(String(args[0] ?? ''));
      case 'toYaml':
        return stringify(args[0] ?? {}).trimEnd();
      case 'nindent':
        return `\n${indentLines(String(args[1] ?? ''), Number(args[0]))}`;
      case 'indent':
        return indentLines(String(args[1] ?? ''), Number(args[0]));
      case 'not':
        return !truthy(args[0]);
      case 'default':
        return truthy(args[1]) ? args[1] : args[0];
      default:
        if (bare) return this.operand(fn, ctx, expr);
        return fail(`unknown function "${fn}"`);
    }
  }

  private operand(token: string, ctx: TemplateContext, expr: string): unknown {
    if (token.startsWith('"')) return JSON.parse(token);
    if (/^-?\d+(\.\d+)?$/.test(token)) return Number(token);
    if (token === 'true' || token === 'false') return token === 'true';
    if (!token.startsWith('.'))
      throw new ChartTemplateError(`${this.name}: {{ ${expr} }}: unsupported "${token}"`);
    let at: unknown = ctx;
    for (const key of token.slice(1).split('.')) {
      if (at === null || typeof at !== 'object' || !(key in at))
        throw new ChartTemplateError(`${this.name}: {{ ${expr} }}: ${token} is not set`);
      at = (at as Record<string, unknown>)[key];
    }
    return at;
  }
}
