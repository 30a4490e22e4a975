import { Type as T } from '@sinclair/typebox';
import { PERMISSIONS, ROLE_SCOPES } from '../../tenants/permissions.js';
import { Id, Name, NullableTimestamp, Password, Timestamp, Username } from './common.js';

const Slug = T.String({ minLength: 2, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$' });
const Domain = T.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.-]+$' });
const TimeZone = T.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Asia/Shanghai' });

const TenantMaxConcurrent = T.Union([T.Integer({ minimum: 0, maximum: 10000 }), T.Null()], {
  description:
    "Concurrent outbound trunk calls of all the tenant's phones; null = config.outboundPolicy default. Set by the platform operator",
});
const TenantMaxPerMinute = T.Union([T.Integer({ minimum: 0, maximum: 100000 }), T.Null()], {
  description:
    "Outbound trunk calls per sliding minute of all the tenant's phones; null = config.outboundPolicy default. Set by the platform operator",
});

export const TenantSchema = T.Object(
  {
    id: Id,
    name: T.String(),
    slug: T.String(),
    kind: T.Union([T.Literal('platform'), T.Literal('client')]),
    status: T.Union([T.Literal('active'), T.Literal('disabled')]),
    timeZone: T.String(),
    sipDomain: T.Union([T.String(), T.Null()]),
    maxConcurrentOutbound: TenantMaxConcurrent,
    maxOutboundPerMinute: TenantMaxPerMinute,
    outboundDenyPrefixes: T.Array(T.String(), {
      description: 'E.164 prefixes no phone of the tenant may dial over a trunk (premium-rate, satellite…)',
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Tenant' },
);

export const CreateTenantBody = T.Object(
  {
    name: Name,
    slug: Slug,
    timeZone: T.Optional(TimeZone),
    sipDomain: T.Optional(Domain),
    admin: T.Optional(
      T.Object(
        { username: Username, password: Password, displayName: T.Optional(Name) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const UpdateTenantBody = T.Object(
  {
    name: T.Optional(Name),
    status: T.Optional(T.Union([T.Literal('active'), T.Literal('disabled')])),
    timeZone: T.Optional(TimeZone),
    sipDomain: T.Optional(T.Union([Domain, T.Null()])),
    maxConcurrentOutbound: T.Optional(TenantMaxConcurrent),
    maxOutboundPerMinute: T.Optional(TenantMaxPerMinute),
    outboundDenyPrefixes: T.Optional(
      T.Array(T.String({ minLength: 2, maxLength: 24 }), {
        maxItems: 200,
        description: 'Replaces the deny list; +<cc>… or 00<cc>… (tenant admin or platform operator)',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const UserSchema = T.Object(
  {
    id: Id,
    tenantId: Id,
    username: T.String(),
    displayName: T.String(),
    email: T.Union([T.String(), T.Null()]),
    roleId: Id,
    orgUnitId: T.Union([Id, T.Null()]),
    status: T.Union([T.Literal('active'), T.Literal('disabled')]),
    lockedUntil: NullableTimestamp,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'User' },
);

const Email = T.String({ format: 'email', maxLength: 254 });

export const CreateUserBody = T.Object(
  {
    username: Username,
    password: Password,
    displayName: T.Optional(Name),
    email: T.Optional(Email),
    roleId: Id,
    orgUnitId: T.Optional(Id),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = T.Object(
  {
    displayName: T.Optional(Name),
    email: T.Optional(T.Union([Email, T.Null()])),
    roleId: T.Optional(Id),
    orgUnitId: T.Optional(T.Union([Id, T.Null()])),
    status: T.Optional(T.Union([T.Literal('active'), T.Literal('disabled')])),
    password: T.Optional(Password),
    currentPassword: T.Optional(
      T.String({ minLength: 1, maxLength: 200, description: 'Required to change your own password' }),
    ),
    unlock: T.Optional(T.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

const Permission = T.Union(PERMISSIONS.map((p) => T.Literal(p)));
const Scope = T.Union(ROLE_SCOPES.map((s) => T.Literal(s)));

export const RoleSchema = T.Object(
  {
    id: Id,
    tenantId: Id,
    name: T.String(),
    description: T.String(),
    builtin: T.Boolean(),
    scope: Scope,
    permissions: T.Array(Permission),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Role' },
);

const RoleName = T.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9 _.-]+$' });

export const CreateRoleBody = T.Object(
  {
    name: RoleName,
    description: T.Optional(T.String({ maxLength: 500 })),
    scope: Scope,
    permissions: T.Array(T.String({ maxLength: 64 }), { maxItems: 100 }),
  },
  { additionalProperties: false },
);

export const UpdateRoleBody = T.Object(
  {
    name: T.Optional(RoleName),
    description: T.Optional(T.String({ maxLength: 500 })),
    scope: T.Optional(Scope),
    permissions: T.Optional(T.Array(T.String({ maxLength: 64 }), { maxItems: 100 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const OrgUnitSchema = T.Object(
  {
    id: Id,
    tenantId: Id,
    parentId: T.Union([Id, T.Null()]),
    kind: T.Union([T.Literal('center'), T.Literal('group')]),
    name: T.String(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'OrgUnit' },
);

export const CreateOrgUnitBody = T.Object(
  {
    kind: T.Union([T.Literal('center'), T.Literal('group')]),
    name: Name,
    parentId: T.Optional(T.Union([Id, T.Null()])),
  },
  { additionalProperties: false },
);

export const UpdateOrgUnitBody = T.Object({ name: Name }, { additionalProperties: false });

export const ApiKeySchema = T.Object(
  {
    id: Id,
    tenantId: Id,
    name: T.String(),
    roleId: Id,
    createdBy: T.Union([T.String(), T.Null()]),
    createdAt: Timestamp,
    lastUsedAt: NullableTimestamp,
    revokedAt: NullableTimestamp,
    ownerUserId: T.Union([T.String(), T.Null()], {
      description: 'The user the key belongs to; the key stops working when they are disabled or deleted',
    }),
    expiresAt: NullableTimestamp,
  },
  { $id: 'ApiKey' },
);

export const CreatedApiKeySchema = T.Intersect([
  ApiKeySchema,
  T.Object({ key: T.String({ description: 'The secret key, shown only in this response' }) }),
]);

export const CreateApiKeyBody = T.Object(
  {
    name: Name,
    roleId: Id,
    expiresAt: T.Optional(
      T.String({
        format: 'date-time',
        description:
          'When the key stops working (in the future, at most 10 years ahead); a key minted by a key expires no later than it',
      }),
    ),
  },
  { additionalProperties: false },
);

export const AuditEntrySchema = T.Object(
  {
    id: Id,
    tenantId: Id,
    at: Timestamp,
    actorType: T.Union([T.Literal('user'), T.Literal('api_key'), T.Literal('system')]),
    actorId: T.Union([T.String(), T.Null()]),
    action: T.Union([T.Literal('create'), T.Literal('update'), T.Literal('delete'), T.Literal('deny')], {
      description: 'deny: a refused privilege escalation (nothing changed)',
    }),
    resourceType: T.String(),
    resourceId: T.String(),
    before: T.Unknown(),
    after: T.Unknown(),
    requestId: T.Union([T.String(), T.Null()]),
    ip: T.Union([T.String(), T.Null()]),
  },
  { $id: 'AuditEntry' },
);

export const LoginBody = T.Object(
  {
    tenant: T.String({ minLength: 1, maxLength: 64, description: 'Tenant slug' }),
    username: T.String({ minLength: 1, maxLength: 64 }),
    password: T.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
