import { Type as T } from '@sinclair/typebox';
import { Id, Timestamp } from './common.js';

/** Schemas of the numbers and trunks routes (docs/numbers.md explains the model). */

export const NumberKind = T.Union(
  [T.Literal('did'), T.Literal('400'), T.Literal('800'), T.Literal('access')],
  {
    description: 'did: direct number; 400/800: service numbers; access: access number (接入号)',
  },
);
export const PhoneInput = T.String({
  minLength: 1,
  maxLength: 40,
  description: 'E.164 (+8610…) or a national form of the default country (010-…, 400-…, 138…)',
  examples: ['+864001234567', '400-123-4567', '010-12345678'],
});
export const EntryPoint = T.String({
  minLength: 5,
  maxLength: 300,
  description: 'ivr:<id>, queue:<id>, user:<extension> or sip:<uri>',
  examples: ['user:1001', 'ivr:main', 'queue:support'],
});
export const TimeZone = T.String({ minLength: 1, maxLength: 64, description: 'IANA time zone' });
export const Country = T.String({
  pattern: '^[1-9][0-9]{0,2}$',
  description: 'Country code for national numbers (default 86)',
});

export const PhoneNumberSchema = T.Object(
  {
    id: Id,
    tenantId: Id,
    number: T.String({ description: 'E.164' }),
    display: T.String({ description: 'National form for people' }),
    kind: NumberKind,
    label: T.String(),
    trunkId: T.Union([Id, T.Null()]),
    entryPoint: T.Union([T.String(), T.Null()]),
    timeZone: T.Union([T.String(), T.Null()]),
    enabled: T.Boolean(),
    accessNumberIds: T.Array(Id),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'PhoneNumber' },
);

const numberFields = {
  label: T.Optional(T.String({ maxLength: 200 })),
  trunkId: T.Optional(T.Union([Id, T.Null()])),
  entryPoint: T.Optional(T.Union([EntryPoint, T.Null()])),
  timeZone: T.Optional(T.Union([TimeZone, T.Null()])),
  enabled: T.Optional(T.Boolean()),
  accessNumberIds: T.Optional(
    T.Array(Id, { maxItems: 20, description: 'For 400/800 numbers: the access numbers they are bound to' }),
  ),
};

export const CreateNumberBody = T.Object(
  { number: PhoneInput, kind: NumberKind, country: T.Optional(Country), ...numberFields },
  { additionalProperties: false },
);
export const UpdateNumberBody = T.Object(numberFields, { additionalProperties: false, minProperties: 1 });

const HhMm = T.String({
  pattern: '^[0-9]{1,2}:[0-9]{2}$',
  description: 'HH:MM local time (24:00 allowed as end)',
});
const IsoDate = T.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });

const RuleMatchSchema = T.Object(
  {
    timeWindows: T.Optional(
      T.Array(
        T.Object(
          {
            weekdays: T.Optional(T.Array(T.Integer({ minimum: 1, maximum: 7 }), { maxItems: 7 })),
            from: HhMm,
            to: HhMm,
          },
          { additionalProperties: false },
        ),
        { maxItems: 20 },
      ),
    ),
    dates: T.Optional(
      T.Array(IsoDate, { maxItems: 366, description: 'Only on these local dates (holidays)' }),
    ),
    exceptDates: T.Optional(T.Array(IsoDate, { maxItems: 366, description: 'Never on these local dates' })),
    callerPrefixes: T.Optional(
      T.Array(T.String({ minLength: 1, maxLength: 20 }), { maxItems: 200, description: '+8610, 010, 138…' }),
    ),
    vipCallers: T.Optional(T.Array(T.String({ minLength: 1, maxLength: 40 }), { maxItems: 1000 })),
  },
  { additionalProperties: false },
);

export const RoutingRuleSchema = T.Object({
  id: Id,
  name: T.String(),
  enabled: T.Boolean(),
  match: RuleMatchSchema,
  entryPoint: T.String(),
});

export const RulesBody = T.Object(
  {
    rules: T.Array(
      T.Object(
        {
          id: T.Optional(Id),
          name: T.Optional(T.String({ minLength: 1, maxLength: 100 })),
          enabled: T.Optional(T.Boolean()),
          match: T.Optional(RuleMatchSchema),
          entryPoint: EntryPoint,
        },
        { additionalProperties: false },
      ),
      { maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);
export const RulesList = T.Object({ items: T.Array(RoutingRuleSchema) });

export const RouteTestBody = T.Object(
  {
    calledNumber: PhoneInput,
    callerNumber: T.Optional(PhoneInput),
    originalCalledNumber: T.Optional(PhoneInput),
    at: T.Optional(T.String({ format: 'date-time', description: 'When the call happens (default now)' })),
    country: T.Optional(Country),
  },
  { additionalProperties: false },
);

const NullableString = T.Union([T.String(), T.Null()]);
export const RouteTestResult = T.Object({
  entryPoint: NullableString,
  ruleId: NullableString,
  reason: T.String({
    description:
      'rule, default, access-number-rule, access-number-default, no-match, unknown-number, disabled',
  }),
  tenantId: NullableString,
  calledNumberId: NullableString,
  servedNumberId: NullableString,
  servedNumber: NullableString,
  trace: T.Array(T.String()),
  calledNumber: T.String(),
  callerNumber: NullableString,
  at: Timestamp,
  timeZone: T.String(),
  localTime: T.String(),
});

// ---- trunks ----

const Host = T.String({ minLength: 1, maxLength: 253 });
const Direction = T.Union([T.Literal('inbound'), T.Literal('outbound'), T.Literal('both')]);
const Transport = T.Union([T.Literal('udp'), T.Literal('tcp'), T.Literal('tls')]);
const InboundAuth = T.Union([T.Literal('ip'), T.Literal('digest')], {
  description:
    'ip: source addresses (allowedSources); digest: the carrier authenticates with a username/password',
});
const Presentation = T.Union([T.Literal('allowed'), T.Literal('restricted')]);
const SipUser = T.String({ minLength: 1, maxLength: 128, pattern: '^[^\\s:@<>"]+$' });
const Secret = T.String({ minLength: 4, maxLength: 255 });

const trunkFields = {
  direction: T.Optional(Direction),
  port: T.Optional(T.Integer({ minimum: 1, maximum: 65535 })),
  transport: T.Optional(Transport),
  inboundAuth: T.Optional(InboundAuth),
  allowedSources: T.Optional(
    T.Array(T.String({ minLength: 2, maxLength: 64 }), { maxItems: 50, description: 'IPs or CIDR ranges' }),
  ),
  inboundUsername: T.Optional(T.Union([SipUser, T.Null()])),
  inboundPassword: T.Optional(Secret),
  register: T.Optional(T.Boolean({ description: 'Register with the carrier (outbound registration)' })),
  registerExpires: T.Optional(T.Integer({ minimum: 60, maximum: 86400 })),
  outboundUsername: T.Optional(T.Union([SipUser, T.Null()])),
  outboundPassword: T.Optional(Secret),
  fromDomain: T.Optional(T.Union([Host, T.Null()])),
  callerId: T.Optional(T.Union([PhoneInput, T.Null()])),
  callerIdPresentation: T.Optional(Presentation),
  maxConcurrentCalls: T.Optional(T.Union([T.Integer({ minimum: 1, maximum: 100000 }), T.Null()])),
  countryCode: T.Optional(Country),
  enabled: T.Optional(T.Boolean()),
};

export const CreateTrunkBody = T.Object(
  { name: T.String({ minLength: 1, maxLength: 100 }), host: Host, ...trunkFields },
  { additionalProperties: false },
);
export const UpdateTrunkBody = T.Object(
  { name: T.Optional(T.String({ minLength: 1, maxLength: 100 })), host: T.Optional(Host), ...trunkFields },
  { additionalProperties: false, minProperties: 1 },
);

export const TrunkSchema = T.Object(
  {
    id: Id,
    tenantId: Id,
    name: T.String(),
    direction: Direction,
    host: T.String(),
    port: T.Integer(),
    transport: Transport,
    inboundAuth: InboundAuth,
    allowedSources: T.Array(T.String()),
    inboundUsername: NullableString,
    hasInboundPassword: T.Boolean(),
    register: T.Boolean(),
    registerExpires: T.Integer(),
    outboundUsername: NullableString,
    hasOutboundPassword: T.Boolean({ description: 'The password itself is never returned' }),
    fromDomain: NullableString,
    callerId: NullableString,
    callerIdPresentation: Presentation,
    maxConcurrentCalls: T.Union([T.Integer(), T.Null()]),
    countryCode: T.String(),
    enabled: T.Boolean(),
    registration: T.Union([
      T.Object({
        state: T.String({ description: 'unregistered, registering, registered, failed' }),
        lastCode: T.Union([T.Integer(), T.Null()]),
        lastError: NullableString,
        expiresAt: T.Union([Timestamp, T.Null()]),
        updatedAt: Timestamp,
      }),
      T.Null(),
    ]),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Trunk' },
);
