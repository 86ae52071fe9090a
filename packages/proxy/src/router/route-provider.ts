/**
 * Where a connection manager gets its route table: inline config (fixed) or RDS (replaced when a
 * new RouteConfiguration arrives, by swapping one reference; requests in flight keep theirs).
 */
import type { RouteTable } from './route-table.ts';

export interface RouteProvider {
  readonly table: RouteTable | undefined;
}

export class StaticRouteProvider implements RouteProvider {
  readonly table: RouteTable;
  constructor(table: RouteTable) {
    this.table = table;
  }
}

export class DynamicRouteProvider implements RouteProvider {
  table: RouteTable | undefined = undefined;
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
  update(table: RouteTable): void {
    this.table = table;
  }
}
