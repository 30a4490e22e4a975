import { Type as T } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';

export type ReadinessCheck = () => Promise<void>;

/** /healthz: the process runs. /readyz: every dependency answers (database, SIP, media). */
export function healthRoutes(app: FastifyInstance, checks: Record<string, ReadinessCheck>): void {
  const Status = T.Object({ status: T.String(), checks: T.Optional(T.Record(T.String(), T.String())) });
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: { tags: ['health'], summary: 'Liveness: the process runs', response: { 200: Status } },
    },
    async () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        tags: ['health'],
        summary: 'Readiness: database, SIP and media answer',
        response: { 200: Status, 503: Status },
      },
    },
    async (_req, reply) => {
      const results: Record<string, string> = {};
      let ok = true;
      for (const [name, check] of Object.entries(checks)) {
        try {
          await check();
          results[name] = 'ok';
        } catch (e) {
          ok = false;
          results[name] = `failed: ${(e as Error).message}`;
        }
      }
      reply.status(ok ? 200 : 503);
      return { status: ok ? 'ok' : 'unavailable', checks: results };
    },
  );
}
