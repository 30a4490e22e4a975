import { newId } from '../kernel/ids.js';
import { seedDemoNumbers } from '../numbers/demo-numbers.js';
import { RolesRepo } from '../storage/repositories/roles-repo.js';
import { TenantsRepo } from '../storage/repositories/tenants-repo.js';
import { ApiKeysService } from '../tenants/api-keys-service.js';
import { systemContext, type TenantsDeps } from '../tenants/context.js';
import { OrgService } from '../tenants/org-service.js';
import { SipAccountsService } from '../tenants/sip-accounts-service.js';
import { TenantsService } from '../tenants/tenants-service.js';
import { UsersService } from '../tenants/users-service.js';

/** Documented in README.md ("Demo"): keep the two in step. */
export const DEMO = {
  platform: { slug: 'operator', name: 'Platform operator', admin: 'root', password: 'Switchboard@2026' },
  tenant: {
    slug: 'demo',
    name: 'Demo Company 演示公司',
    sipDomain: 'demo.switchboard.local',
    timeZone: 'Asia/Shanghai',
  },
  password: 'Demo@2026',
  users: [
    { username: 'admin', displayName: 'Demo Admin 管理员', role: 'admin', unit: null },
    { username: 'manager', displayName: 'Mei Manager 经理', role: 'manager', unit: null },
    { username: 'supervisor', displayName: 'Sun Supervisor 主管', role: 'supervisor', unit: 'center' },
    { username: 'leader', displayName: 'Li Leader 班组长', role: 'team_leader', unit: 'support' },
    { username: 'qa', displayName: 'Qian QA 质检', role: 'qa', unit: null },
    { username: 'planner', displayName: 'Pan Planner 排班', role: 'wfm_planner', unit: null },
    { username: 'developer', displayName: 'Deng Developer 开发者', role: 'developer', unit: null },
    { username: '1001', displayName: 'Agent 1001 王芳', role: 'agent', unit: 'support' },
    { username: '1002', displayName: 'Agent 1002 张伟', role: 'agent', unit: 'support' },
    { username: '1003', displayName: 'Agent 1003 刘洋', role: 'agent', unit: 'sales' },
  ],
} as const;

export interface SeedResult {
  seeded: boolean;
  platformTenantId?: string;
  demoTenantId?: string;
  developerApiKey?: string;
}

/** Seeds the platform operator and the demo tenant; does nothing if the demo tenant exists. */
export async function seedDemo(deps: TenantsDeps): Promise<SeedResult> {
  const tenants = new TenantsRepo(deps.db);
  if (await tenants.bySlug(DEMO.tenant.slug)) return { seeded: false };
  const tsvc = new TenantsService(deps);
  let platform = await tenants.bySlug(DEMO.platform.slug);
  if (!platform) {
    const p = await tsvc.create(
      systemContext('system', 'platform'),
      {
        name: DEMO.platform.name,
        slug: DEMO.platform.slug,
        timeZone: 'UTC',
        admin: { username: DEMO.platform.admin, password: DEMO.platform.password },
      },
      'platform',
    );
    platform = await tenants.byId(p.id);
  }
  const demo = await tsvc.create(systemContext(platform!.id, 'platform'), {
    name: DEMO.tenant.name,
    slug: DEMO.tenant.slug,
    sipDomain: DEMO.tenant.sipDomain,
    timeZone: DEMO.tenant.timeZone,
  });
  const ctx = systemContext(demo.id);
  const org = new OrgService(deps);
  const center = await org.create(ctx, { kind: 'center', name: 'Hotline Center 热线中心' });
  const support = await org.create(ctx, { kind: 'group', name: 'Support 客服组', parentId: center.id });
  const sales = await org.create(ctx, { kind: 'group', name: 'Sales 销售组', parentId: center.id });
  const unitIds: Record<string, string> = { center: center.id, support: support.id, sales: sales.id };
  const roles = new RolesRepo(deps.db);
  const users = new UsersService(deps);
  const sip = new SipAccountsService(deps);
  for (const u of DEMO.users) {
    const role = await roles.byName(demo.id, u.role);
    const user = await users.create(ctx, {
      username: u.username,
      password: DEMO.password,
      displayName: u.displayName,
      roleId: role!.id,
      orgUnitId: u.unit ? unitIds[u.unit] : undefined,
    });
    if (u.role === 'agent')
      // national: the demo trunk's country only; international stays off (docs/security.md#toll-fraud-class-of-service-and-outbound-limits)
      await sip.create(ctx, {
        username: u.username,
        password: DEMO.password,
        userId: user.id,
        classOfService: 'national',
      });
  }
  await seedDemoNumbers(deps, ctx);
  const devRole = await roles.byName(demo.id, 'developer');
  const key = await new ApiKeysService(deps).create(ctx, {
    name: `demo key ${newId('request').slice(4, 10)}`,
    roleId: devRole!.id,
  });
  return { seeded: true, platformTenantId: platform!.id, demoTenantId: demo.id, developerApiKey: key.key };
}
