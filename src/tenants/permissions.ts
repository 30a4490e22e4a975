/**
 * Functions a role may perform. `as const` gives both the list (for validation and docs) and
 * the union type. Data scope (tenant → center → group → self) is separate: see RoleScope.
 */
export const PERMISSIONS = [
  // platform operator (the outsourcer running the platform)
  'tenants:read',
  'tenants:manage',
  // administration
  'users:read',
  'users:manage',
  'roles:read',
  'roles:manage',
  'org:read',
  'org:manage',
  'api_keys:manage',
  'audit:read',
  'config:manage', // numbers, trunks, IVR flows, queues, prompts, business hours
  // agent desktop
  'desktop:use',
  'calls:place',
  'calls:control',
  'notes:write',
  // floor management
  'agents:monitor',
  'agents:listen',
  'agents:whisper',
  'agents:barge',
  'agents:force_release',
  'agents:force_state',
  'agents:assign_skills',
  'breaks:approve',
  // recordings and quality
  'recordings:read',
  'recordings:export',
  'qa:evaluate',
  'qa:calibrate',
  // workforce and reporting
  'wfm:plan',
  'reports:read',
  'wallboard:read',
  // developer
  'api:access',
  'webhooks:manage',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_SCOPES = ['tenant', 'center', 'group', 'self'] as const;
export type RoleScope = (typeof ROLE_SCOPES)[number];

export function isPermission(p: string): p is Permission {
  return (PERMISSIONS as readonly string[]).includes(p);
}

export interface BuiltinRole {
  name: string;
  description: string;
  scope: RoleScope;
  permissions: Permission[];
}

const ALL_TENANT = PERMISSIONS.filter((p) => !p.startsWith('tenants:'));

/** The roles of PRODUCT.md, created in every tenant. Tenants add custom roles beside them. */
export const BUILTIN_ROLES: BuiltinRole[] = [
  {
    name: 'agent',
    description: 'Agent (坐席): answers and places calls, sets own state, writes notes',
    scope: 'self',
    permissions: ['desktop:use', 'calls:place', 'calls:control', 'notes:write', 'recordings:read'],
  },
  {
    name: 'team_leader',
    description:
      'Team leader (班组长): coaches a team, listens, whispers, reviews recordings, approves breaks',
    scope: 'group',
    permissions: [
      'desktop:use',
      'calls:place',
      'calls:control',
      'notes:write',
      'users:read',
      'org:read',
      'agents:monitor',
      'agents:listen',
      'agents:whisper',
      'breaks:approve',
      'recordings:read',
      'reports:read',
      'wallboard:read',
    ],
  },
  {
    name: 'supervisor',
    description: 'Supervisor (主管): wallboard, skills, barge-in, force-release, force states',
    scope: 'center',
    permissions: [
      'users:read',
      'org:read',
      'agents:monitor',
      'agents:listen',
      'agents:whisper',
      'agents:barge',
      'agents:force_release',
      'agents:force_state',
      'agents:assign_skills',
      'breaks:approve',
      'recordings:read',
      'reports:read',
      'wallboard:read',
      'calls:control',
    ],
  },
  {
    name: 'qa',
    description: 'QA inspector (质检): scores recorded calls, calibrates',
    scope: 'tenant',
    permissions: ['users:read', 'org:read', 'recordings:read', 'qa:evaluate', 'qa:calibrate', 'reports:read'],
  },
  {
    name: 'wfm_planner',
    description: 'Workforce planner (排班): forecasts, staffing, shifts, adherence',
    scope: 'tenant',
    permissions: ['users:read', 'org:read', 'wfm:plan', 'reports:read', 'wallboard:read'],
  },
  {
    name: 'admin',
    description: 'Administrator: configures everything in the tenant',
    scope: 'tenant',
    permissions: [...ALL_TENANT],
  },
  {
    name: 'developer',
    description: 'Tenant developer: REST API, events and webhooks',
    scope: 'tenant',
    permissions: [
      'api:access',
      'webhooks:manage',
      'api_keys:manage',
      'users:read',
      'org:read',
      'roles:read',
      'reports:read',
      'calls:place',
      'calls:control',
      'recordings:read',
    ],
  },
  {
    name: 'manager',
    description: 'Manager: reads reports and the wallboard',
    scope: 'tenant',
    permissions: ['reports:read', 'wallboard:read', 'users:read', 'org:read'],
  },
];

/** Extra role only in the platform (operator) tenant. */
export const PLATFORM_ADMIN_ROLE: BuiltinRole = {
  name: 'platform_admin',
  description: 'Platform operator: creates and manages client tenants',
  scope: 'tenant',
  permissions: [...PERMISSIONS],
};
