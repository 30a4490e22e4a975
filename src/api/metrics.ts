import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { SipConnectionStats } from '../sip/transport/conn-stats.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's Prometheus registry (the composition root adds SIP-side counters to it). */
    metricsRegistry: Registry;
  }
}

/** Prometheus metrics on GET /metrics; one registry per app instance (no globals). */
export function installMetrics(
  app: FastifyInstance,
  sources: { sipConnections?: SipConnectionStats | undefined } = {},
): Registry {
  const registry = new Registry();
  app.decorate('metricsRegistry', registry);
  collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });
  if (sources.sipConnections) sipConnectionMetrics(registry, sources.sipConnections);
  const requests = new Counter({
    name: 'switchboard_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'switchboard_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    duration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  return registry;
}

/**
 * SIP connection limits (src/sip/transport/conn-policy.ts): the transport layer keeps plain
 * counters; they are read when Prometheus scrapes, so the accept path does no metrics work.
 */
function sipConnectionMetrics(registry: Registry, stats: SipConnectionStats): void {
  new Gauge({
    name: 'switchboard_sip_connections',
    help: 'Open SIP connections (flows) by transport',
    labelNames: ['transport'] as const,
    registers: [registry],
    collect() {
      for (const [transport, n] of Object.entries(stats.open)) this.set({ transport }, n);
    },
  });
  new Gauge({
    name: 'switchboard_sip_connections_accepted',
    help: 'Accepted SIP connections counted against sip.maxConnections (handshakes included)',
    registers: [registry],
    collect() {
      this.set(stats.accepted);
    },
  });
  new Counter({
    name: 'switchboard_sip_connections_refused_total',
    help: 'SIP connections closed at accept because a cap was reached (per_address, global)',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(stats.refused)) this.inc({ reason }, n);
    },
  });
  new Counter({
    name: 'switchboard_sip_connections_closed_total',
    help: 'SIP connections closed by a limit (first_message_timeout, idle, buffer_limit)',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(stats.closed)) this.inc({ reason }, n);
    },
  });
}
