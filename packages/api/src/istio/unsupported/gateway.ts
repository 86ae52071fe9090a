/** Checks for networking.istio.io Gateway (not applied by Tandem yet). */
import { ConfigIssueCode } from '../../envoy/issue-codes.ts';
import type { ValidationContext } from '../../envoy/schema/validation-context.ts';
import { checkWildcardDomain } from '../core/hostname.ts';
import { isIpAddress } from '../core/ip.ts';
import { invalid } from '../core/istio-fields.ts';
import { parseProtocol } from '../core/protocol.ts';
import { type Json, listField, objectField, portField, selectorLabels, stringField } from './raw-checks.ts';

function checkServer(server: Json, ctx: ValidationContext, names: Set<string>): void {
  const port = objectField(server, 'port', ctx);
  if (port === undefined) ctx.field('port').error(ConfigIssueCode.required, 'missing required field "port"');
  else {
    const at = ctx.field('port');
    portField(port, 'number', at, true);
    const protocol = stringField(port, 'protocol', at) ?? '';
    if (parseProtocol(protocol) === undefined)
      invalid(at.field('protocol'), `unsupported protocol "${protocol}"`);
    const name = stringField(port, 'name', at) ?? '';
    if (name === '') at.field('name').error(ConfigIssueCode.required, 'a server port needs a name');
    else if (names.has(name))
      at.field('name').error(ConfigIssueCode.duplicate, `port name "${name}" is used by another server`);
    names.add(name);
  }
  const hosts = Array.isArray(server.hosts) ? server.hosts : [];
  if (hosts.length === 0) invalid(ctx.field('hosts'), 'a server needs at least one host');
  hosts.forEach((host, i) => {
    const name = typeof host === 'string' ? host.slice(host.indexOf('/') + 1) : '';
    if (name === '' || (checkWildcardDomain(name) !== undefined && !isIpAddress(name)))
      invalid(ctx.field('hosts').item(i), `invalid host ${JSON.stringify(host)}`);
  });
}

export function checkGateway(spec: Json, ctx: ValidationContext): void {
  selectorLabels(spec, 'selector', ctx);
  const servers = listField(spec, 'servers', ctx);
  if (servers.length === 0) invalid(ctx.field('servers'), 'a Gateway needs at least one server');
  const names = new Set<string>();
  for (const [server, at] of servers) checkServer(server, at, names);
}
