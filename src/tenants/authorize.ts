import type { Kysely } from 'kysely';
import { SwbError } from '../kernel/errors.js';
import { OrgUnitsRepo } from '../storage/repositories/org-units-repo.js';
import type { Database } from '../storage/schema.js';
import type { Permission } from './permissions.js';
import type { Principal } from './types.js';

export function requirePermission(p: Principal, perm: Permission): void {
  if (p.actorType === 'system') return;
  if (!p.permissions.has(perm)) throw new SwbError('SWB_FORBIDDEN', { permission: perm });
}

export function hasPermission(p: Principal, perm: Permission): boolean {
  return p.actorType === 'system' || p.permissions.has(perm);
}

/** Ids of `rootId` and every org unit below it. */
export function subtree(units: { id: string; parent_id: string | null }[], rootId: string): string[] {
  const children = new Map<string, string[]>();
  for (const u of units) {
    if (u.parent_id) {
      const list = children.get(u.parent_id) ?? [];
      list.push(u.id);
      children.set(u.parent_id, list);
    }
  }
  const out: string[] = [];
  const stack = [rootId];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(id);
    for (const c of children.get(id) ?? []) stack.push(c);
  }
  return out;
}

export type DataScope =
  | { kind: 'tenant' }
  | { kind: 'units'; unitIds: string[] }
  | { kind: 'self'; userId: string };

/**
 * The part of the tenant a principal may see: the whole tenant, the subtree of their center or
 * group (tenant → center → group → agent), or only themselves.
 */
export async function dataScope(db: Kysely<Database>, p: Principal): Promise<DataScope> {
  if (p.actorType === 'system' || p.scope === 'tenant') return { kind: 'tenant' };
  if (p.scope === 'self' || !p.orgUnitId) return { kind: 'self', userId: p.userId ?? '' };
  const units = await new OrgUnitsRepo(db).all(p.tenantId);
  let root = p.orgUnitId;
  if (p.scope === 'center') {
    // climb to the nearest center above (or at) the principal's unit
    const byId = new Map(units.map((u) => [u.id, u]));
    let cur = byId.get(root);
    while (cur && cur.kind !== 'center' && cur.parent_id) cur = byId.get(cur.parent_id);
    if (cur) root = cur.id;
  }
  return { kind: 'units', unitIds: subtree(units, root) };
}
