import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorCode, SwbError } from '../kernel/errors.js';

interface ValidationItem {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword?: string;
}

function validationDetails(context: string | undefined, items: ValidationItem[]): Record<string, unknown> {
  return {
    in: context ?? 'body',
    errors: items.slice(0, 20).map((e) => {
      let path = e.instancePath ?? '';
      if (e.keyword === 'additionalProperties' && e.params?.additionalProperty) {
        path = `${path}/${String(e.params.additionalProperty)}`;
        return { path, message: 'unknown field' };
      }
      if (e.keyword === 'required' && e.params?.missingProperty) {
        return { path: `${path}/${String(e.params.missingProperty)}`, message: 'is required' };
      }
      return { path, message: e.message ?? 'invalid' };
    }),
  };
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'SWB_MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'SWB_MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'SWB_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'SWB_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'SWB_VALIDATION',
  FST_ERR_BAD_URL: 'SWB_BAD_URL',
};

/** Maps anything thrown in a request to one SwbError: the single HTTP mapping point. */
export function toSwbError(err: FastifyError | Error, bodyLimit: number): SwbError {
  if (err instanceof SwbError) return err;
  const fe = err as FastifyError & { validationContext?: string };
  if (fe.validation) {
    if (fe.validationContext === 'params') {
      return new SwbError('SWB_INVALID_ID', {
        id: 'path parameter',
        ...validationDetails('params', fe.validation),
      });
    }
    return new SwbError('SWB_VALIDATION', validationDetails(fe.validationContext, fe.validation));
  }
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped === 'SWB_BODY_TOO_LARGE') return new SwbError(mapped, { limit: bodyLimit });
  if (mapped) return new SwbError(mapped, { reason: fe.message });
  if (err instanceof SyntaxError) return new SwbError('SWB_MALFORMED_JSON', { reason: err.message });
  const status = fe.statusCode ?? 500;
  if (status >= 400 && status < 500) return new SwbError('SWB_VALIDATION', { reason: fe.message });
  return new SwbError('SWB_INTERNAL', {}, { cause: err });
}

/**
 * Fastify's `frameworkErrors` option: errors raised while routing (before hooks and the error
 * handler), answered in our format with a stable code instead of Fastify's own body.
 */
export function frameworkErrors(bodyLimit: number) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
    const e = toSwbError(err, bodyLimit);
    req.log.info({ code: e.code, url: req.url.slice(0, 200) }, e.message);
    void reply.status(e.httpStatus).send(e.toJSON());
  };
}

export function installErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const e = toSwbError(err, bodyLimit);
    if (e.code === 'SWB_INTERNAL') req.log.error({ err }, 'unhandled error');
    else req.log.info({ code: e.code }, e.message);
    if (
      (e.code === 'SWB_ACCOUNT_LOCKED' || e.code === 'SWB_RATE_LIMITED') &&
      typeof e.details?.retryAfterSeconds === 'number'
    ) {
      reply.header('retry-after', String(e.details.retryAfterSeconds));
    }
    const body = e.toJSON();
    if (e.code === 'SWB_INTERNAL') body.message = 'Internal error';
    void reply.status(e.httpStatus).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    const e = new SwbError('SWB_ROUTE_NOT_FOUND', { method: req.method, url: req.url.split('?')[0] });
    void reply.status(404).send(e.toJSON());
  });
}
