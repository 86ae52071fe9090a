import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChartTemplate, ChartTemplateError, type TemplateContext } from './chart-template.ts';
import { parseSet } from './render-chart.ts';

const ctx: TemplateContext = {
  Values: { a: { b: 'x', on: true, off: false, res: { cpu: '1' } }, n: 0 },
  Release: { Name: 'tandem', Namespace: 'ns' },
  Chart: { Name: 'tandem', Version: '0.1.0', AppVersion: '0.1.0' },
};
const render = (src: string) => new ChartTemplate('t.yaml', src).render(ctx);

describe('ChartTemplate', () => {
  it('substitutes values and trims whitespace like Helm', () => {
    assert.equal(render('name: {{ .Values.a.b }}-{{ .Release.Namespace }}'), 'name: x-ns');
    assert.equal(render('a:\n{{- if .Values.a.on }}\n  on: 1\n{{- end }}\nb: 2'), 'a:\n  on: 1\nb: 2');
    assert.equal(render('{{- if .Values.a.off }}yes{{- else }}no{{- end }}'), 'no');
    assert.equal(render('{{ if not .Values.n }}zero{{ end }}'), 'zero');
    assert.equal(render('v: {{ .Chart.AppVersion | quote }}'), 'v: "0.1.0"');
    assert.equal(render('r: {{- toYaml .Values.a.res | nindent 2 }}'), 'r:\n  cpu: "1"');
    assert.equal(render('{{ .Values.missing | default "d" }}'.replace('.Values.missing', '""')), 'd');
  });

  it('refuses unknown values, functions and unbalanced blocks, naming the template', () => {
    assert.throws(
      () => render('{{ .Values.nope }}'),
      (e: unknown) =>
        e instanceof ChartTemplateError && /t\.yaml: .*\.Values\.nope is not set/.test(e.message),
    );
    assert.throws(
      () => render('{{ include "x" . }}'),
      /t\.yaml: {{ include "x" \. }}: unknown function "include"/,
    );
    assert.throws(() => render('{{ if .Values.a.on }}x'), /"if" without "end"/);
    assert.throws(() => render('{{ end }}'), /"end" without "if"/);
  });

  it('parses --set assignments', () => {
    assert.deepEqual(parseSet('webhook.failurePolicy=Ignore'), { webhook: { failurePolicy: 'Ignore' } });
    assert.deepEqual(parseSet('crds.install=false'), { crds: { install: false } });
    assert.deepEqual(parseSet('proxy.uid=1500'), { proxy: { uid: 1500 } });
  });
});
