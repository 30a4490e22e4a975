import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Clock } from '../kernel/clock.js';
import type { Config } from '../kernel/config.js';
import type { EventBus } from '../kernel/domain-events.js';
import { isValidId, newId } from '../kernel/ids.js';
import type { Logger } from '../kernel/logger.js';
import { loadSecretBox, type SecretBox } from '../kernel/secrets.js';
import { NumbersService } from '../numbers/numbers-service.js';
import { TrunkApprovalsService } from '../numbers/trunk-approvals-service.js';
import { TrunksService } from '../numbers/trunks-service.js';
import type { SipConnectionStats } from '../sip/transport/conn-stats.js';
import { type Db, ping } from '../storage/database.js';
import { ApiKeysService } from '../tenants/api-keys-service.js';
import { AuthService } from '../tenants/auth-service.js';
import type { TenantsDeps } from '../tenants/context.js';
import { OrgService } from '../tenants/org-service.js';
import { RolesService } from '../tenants/roles-service.js';
import { SipAccountsService } from '../tenants/sip-accounts-service.js';
import { TenantsService } from '../tenants/tenants-service.js';
import { UsersService } from '../tenants/users-service.js';
import { installAuthentication, markPublic } from './authn.js';
import { frameworkErrors, installErrorHandling } from './error-handler.js';
import { installMetrics } from './metrics.js';
import { apiKeysRoutes } from './plugins/api-keys-routes.js';
import { auditRoutes } from './plugins/audit-routes.js';
import { authRoutes } from './plugins/auth-routes.js';
import { healthRoutes, type ReadinessCheck } from './plugins/health.js';
import { numbersRoutes } from './plugins/numbers-routes.js';
import { orgRoutes } from './plugins/org-routes.js';
import { rolesRoutes } from './plugins/roles-routes.js';
import { sipAccountsRoutes } from './plugins/sip-accounts-routes.js';
import { tenantsRoutes } from './plugins/tenants-routes.js';
import { trunkApprovalsRoutes } from './plugins/trunk-approvals-routes.js';
import { trunksRoutes } from './plugins/trunks-routes.js';
import { usersRoutes } from './plugins/users-routes.js';
import { ErrorBody } from './schemas/common.js';
import { installValidation } from './validation.js';

export interface BuildAppDeps {
  config: Config;
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Domain event bus (config.changed, auth.*); the composition root owns it. */
  bus?: EventBus;
  /** Extra readiness checks (SIP, media) added by the composition root. */
  readiness?: Record<string, ReadinessCheck>;
  /** Keyring for secrets at rest; default: from config.security (key file in the data folder). */
  secrets?: SecretBox;
  /** SIP connection counters exported on /metrics (the SIP transport updates them). */
  sipConnections?: SipConnectionStats;
}

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,64}$/;

/** Builds the HTTP app without listening: tests call inject(), the server calls listen(). */
export async function buildApp(deps: BuildAppDeps): Promise<FastifyInstance> {
  const { config, db, clock, logger } = deps;
  const app = Fastify({
    loggerInstance: logger.child({ module: 'api' }) as FastifyBaseLogger,
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    requestIdHeader: false,
    genReqId: (req) => {
      const h = req.headers['x-request-id'];
      return typeof h === 'string' && REQUEST_ID_RE.test(h) ? h : newId('request');
    },
    ajv: { customOptions: { removeAdditional: false } },
    // errors the router raises before any hook (an undecodable URL such as overlong UTF-8)
    frameworkErrors: frameworkErrors(config.http.bodyLimitBytes),
  }) as unknown as FastifyInstance;

  installValidation(app);
  installErrorHandling(app, config.http.bodyLimitBytes);
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Switchboard API',
        version: '1',
        description:
          'REST API of the Switchboard contact-center platform. Authenticate with the session cookie from ' +
          '/api/v1/auth/login or with `Authorization: Bearer swb_…` API keys. Errors always have the ' +
          'shape {code, message, details}; lists use ?limit=&cursor= and return {items, nextCursor}.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'swb_session' },
          apiKey: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { apiKey: [] }],
    },
  });
  app.addSchema(ErrorBody);
  markPublic(app, ['/api/v1/docs']); // before the docs plugin registers its routes
  await app.register(swaggerUi, { routePrefix: '/api/v1/docs', uiConfig: { docExpansion: 'list' } });

  installMetrics(app, { sipConnections: deps.sipConnections });

  const tenantsDeps: TenantsDeps = {
    db: db.kysely,
    clock,
    logger: logger.child({ module: 'tenants' }),
    auth: config.auth,
    ...(deps.bus ? { bus: deps.bus } : {}),
    secrets: deps.secrets ?? loadSecretBox(config.security, config.storage.dataDir).box,
  };
  const auth = new AuthService(tenantsDeps);
  installAuthentication(app, auth);

  healthRoutes(app, { database: () => ping(db), ...(deps.readiness ?? {}) });
  app.get('/api/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  authRoutes(app, { auth, cookieSecure: config.auth.cookieSecure });
  tenantsRoutes(app, new TenantsService(tenantsDeps), tenantsDeps);
  usersRoutes(app, new UsersService(tenantsDeps));
  rolesRoutes(app, new RolesService(tenantsDeps));
  orgRoutes(app, new OrgService(tenantsDeps));
  apiKeysRoutes(app, new ApiKeysService(tenantsDeps));
  sipAccountsRoutes(app, new SipAccountsService(tenantsDeps));
  trunksRoutes(app, new TrunksService(tenantsDeps));
  trunkApprovalsRoutes(app, new TrunkApprovalsService(tenantsDeps));
  numbersRoutes(app, new NumbersService(tenantsDeps));
  auditRoutes(app, db.kysely);

  app.get('/', { config: { public: true }, schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/html').send(landingPage()),
  );
  return app;
}

export { isValidId };

function landingPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Switchboard</title></head>
<body style="font-family:sans-serif;max-width:720px;margin:40px auto">
<h1>Switchboard</h1><p>Open-source contact-center platform · 开源呼叫中心平台</p>
<ul><li><a href="/api/v1/docs">API documentation (OpenAPI)</a></li>
<li><a href="/api/v1/openapi.json">openapi.json</a></li>
<li><a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a> · <a href="/metrics">/metrics</a></li></ul>
<p>The web console (agent desktop, supervisor wallboard, admin) is not built yet.</p></body></html>`;
}
