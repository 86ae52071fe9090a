/**
 * `envoy.filters.http.jwt_authn` (the subset Istio's RequestAuthentication uses): finds each provider's
 * token in its headers (with prefix) or query parameters, verifies it (keys parsed once per config), and
 * applies the first rule whose path prefix matches. A token that is present but invalid gets 401; a missing
 * token is allowed when the rule says `allow_missing`. A verified payload goes to the request's dynamic
 * metadata, under `envoy.filters.http.jwt_authn` and, for Istio's authorization, under `istio_authn`
 * (`request.auth.principal` = iss/sub, audiences, presenter, claims); claims go to headers as configured,
 * and the token is removed from the request unless `forward` is set.
 */
import {
  JWT_AUTHN_TYPE_URL,
  type JwtAuthnConfig,
  type JwtProvider,
  type JwtRequirement,
} from '@tandem/api/envoy';
import type { HttpFilterFactory } from '../http/http-filter.ts';
import type { HttpStream } from '../http/http-stream.ts';
import { parseJwks } from './jwks.ts';
import { type JwtCheck, verifyJwt } from './jwt-verify.ts';

export const ISTIO_AUTHN = 'istio_authn';
const JWT_AUTHN = 'envoy.filters.http.jwt_authn';

interface CompiledProvider {
  readonly config: JwtProvider;
  readonly check: JwtCheck;
}

interface Found {
  readonly provider: CompiledProvider;
  /** Where the token came from: a header name, or '' for a query parameter. */
  readonly header: string;
  readonly payload: Record<string, unknown> | undefined;
  readonly reason: string;
}

type Outcome =
  | { readonly kind: 'ok'; readonly found: Found[] }
  | { readonly kind: 'missing' }
  | { readonly kind: 'failed'; readonly reason: string };

export const jwtAuthnFilter: HttpFilterFactory = {
  typeUrl: JWT_AUTHN_TYPE_URL,
  terminal: false,
  build(config, ctx) {
    const cfg = config as JwtAuthnConfig;
    const providers = new Map<string, CompiledProvider>();
    for (const p of cfg.providers) {
      const check = {
        keys: parseJwks(p.jwks),
        issuer: p.issuer,
        audiences: p.audiences,
        clockSkewSeconds: p.clockSkewSeconds,
      };
      providers.set(p.name, { config: p, check });
    }
    const rules = cfg.rules;
    const scope = ctx.stats.scope('jwt_authn.');
    const allowed = scope.counter('allowed');
    const denied = scope.counter('denied');
    const clock = ctx.clock;
    return (next) => (stream) => {
      const path = stream.head.path;
      let rule: JwtAuthnConfig['rules'][number] | undefined;
      for (let i = 0; i < rules.length; i++)
        if (path.startsWith(rules[i]!.prefix)) {
          rule = rules[i];
          break;
        }
      if (rule === undefined) return next(stream);
      const outcome = evaluate(rule.requires, stream, providers, clock.wallMs());
      if (outcome.kind !== 'ok') {
        denied.inc();
        const body = outcome.kind === 'missing' ? 'Jwt is missing' : outcome.reason;
        return stream.sendLocalReply(401, body, 'UAEX');
      }
      allowed.inc();
      apply(stream, outcome.found);
      next(stream);
    };
  },
};

function evaluate(
  req: JwtRequirement,
  stream: HttpStream,
  providers: ReadonlyMap<string, CompiledProvider>,
  nowMs: number,
): Outcome {
  switch (req.kind) {
    case 'provider': {
      const found = extract(providers.get(req.name)!, stream, nowMs);
      if (found === undefined) return { kind: 'missing' };
      return found.payload === undefined
        ? { kind: 'failed', reason: found.reason }
        : { kind: 'ok', found: [found] };
    }
    case 'allowMissing':
    case 'allowMissingOrFailed':
      return { kind: 'ok', found: [] };
    case 'any': {
      const oks: Found[] = [];
      let failure: string | undefined;
      let tolerateMissing = false;
      let tolerateFailed = false;
      for (const r of req.requirements) {
        if (r.kind === 'allowMissing') tolerateMissing = true;
        else if (r.kind === 'allowMissingOrFailed') tolerateMissing = tolerateFailed = true;
        else {
          const o = evaluate(r, stream, providers, nowMs);
          if (o.kind === 'ok') oks.push(...o.found);
          else if (o.kind === 'failed') failure ??= o.reason;
        }
      }
      if (oks.length > 0) return { kind: 'ok', found: oks };
      if (failure !== undefined)
        return tolerateFailed ? { kind: 'ok', found: [] } : { kind: 'failed', reason: failure };
      return tolerateMissing ? { kind: 'ok', found: [] } : { kind: 'missing' };
    }
  }
}

/** The provider's token in the request, verified; undefined when there is none. */
function extract(p: CompiledProvider, stream: HttpStream, nowMs: number): Found | undefined {
  const headers = stream.head.headers;
  for (const h of p.config.fromHeaders) {
    const value = headers.get(h.name);
    if (value === undefined || !value.startsWith(h.valuePrefix)) continue;
    return verified(p, value.slice(h.valuePrefix.length).trim(), h.name, nowMs);
  }
  if (p.config.fromParams.length > 0) {
    const q = stream.head.path.indexOf('?');
    if (q >= 0) {
      const params = new URLSearchParams(stream.head.path.slice(q + 1));
      for (const name of p.config.fromParams) {
        const token = params.get(name);
        if (token) return verified(p, token, '', nowMs);
      }
    }
  }
  return undefined;
}

function verified(p: CompiledProvider, token: string, header: string, nowMs: number): Found {
  const v = verifyJwt(token, p.check, nowMs);
  return { provider: p, header, payload: v.ok ? v.payload : undefined, reason: v.ok ? '' : v.reason };
}

function apply(stream: HttpStream, found: Found[]): void {
  const headers = stream.head.headers;
  for (const f of found) {
    const { config } = f.provider;
    if (!config.forward && f.header !== '') headers.remove(f.header);
    for (const c of config.claimToHeaders) {
      const v = f.payload![c.claimName];
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
        headers.set(c.headerName, String(v));
    }
  }
  const first = found[0];
  if (first === undefined) return;
  const payload = first.payload!;
  const md = (stream.dynamicMetadata ??= {});
  const jwt: Record<string, unknown> = {};
  for (const f of found) jwt[f.provider.config.payloadInMetadata || f.provider.config.issuer] = f.payload;
  md[JWT_AUTHN] = jwt;
  md[ISTIO_AUTHN] = {
    'request.auth.principal': `${String(payload['iss'] ?? '')}/${String(payload['sub'] ?? '')}`,
    'request.auth.audiences': payload['aud'],
    'request.auth.presenter': payload['azp'],
    'request.auth.claims': payload,
  };
}
