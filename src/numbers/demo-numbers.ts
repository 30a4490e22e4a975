import type { RequestContext, TenantsDeps } from '../tenants/context.js';
import { NumbersService } from './numbers-service.js';
import { TrunksService } from './trunks-service.js';

/** Documented in README.md ("The demo") and docs/numbers.md: keep them in step. */
export const DEMO_NUMBERS = {
  trunk: { name: 'Demo carrier 演示线路', host: '127.0.0.1', port: 5070 },
  access: { number: '+861055500100', label: 'Demo access number / DID 接入号' },
  hotline: { number: '+864005550100', label: 'Demo 400 hotline 服务热线' },
  business: { weekdays: [1, 2, 3, 4, 5], from: '09:00', to: '18:00', entryPoint: 'user:1001' },
  afterHours: 'user:1002',
} as const;

/**
 * The demo tenant's numbers: a carrier trunk trusted from 127.0.0.1:5070 (e.g. SIPp playing the
 * carrier; agents' calls to outside numbers go there too, showing the access number as caller
 * ID), an access number (a DID) and a 400 number bound to it. Calls ring extension 1001
 * Monday–Friday 09:00–18:00 (tenant time, Asia/Shanghai) and 1002 otherwise.
 */
export async function seedDemoNumbers(deps: TenantsDeps, ctx: RequestContext): Promise<void> {
  const d = DEMO_NUMBERS;
  const trunk = await new TrunksService(deps).create(ctx, {
    name: d.trunk.name,
    host: d.trunk.host,
    port: d.trunk.port,
    direction: 'both',
    inboundAuth: 'ip',
    callerId: d.access.number,
  });
  const numbers = new NumbersService(deps);
  const access = await numbers.create(ctx, {
    number: d.access.number,
    kind: 'access',
    label: d.access.label,
    trunkId: trunk.id,
    entryPoint: d.afterHours,
  });
  await numbers.setRules(ctx, access.id, [
    {
      name: 'Business hours 工作时间',
      match: {
        timeWindows: [{ weekdays: [...d.business.weekdays], from: d.business.from, to: d.business.to }],
      },
      entryPoint: d.business.entryPoint,
    },
  ]);
  await numbers.create(ctx, {
    number: d.hotline.number,
    kind: '400',
    label: d.hotline.label,
    trunkId: trunk.id,
    accessNumberIds: [access.id],
  });
}
