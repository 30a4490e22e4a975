import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

/**
 * Bodies are validated strictly: no type coercion, unknown fields rejected (schemas say
 * additionalProperties: false), nothing silently removed. Query strings and path params are
 * text on the wire, so they are coerced to the schema's types.
 */
export function installValidation(app: FastifyInstance): void {
  const common = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false } as const;
  // ajv and ajv-formats are CommonJS: under ESM their callable sits on `.default`
  const AjvCtor = ((Ajv as unknown as { default?: unknown }).default ?? Ajv) as typeof Ajv.default;
  const withFormats = ((addFormats as unknown as { default?: unknown }).default ??
    addFormats) as typeof addFormats.default;
  const strict = withFormats(new AjvCtor({ ...common, coerceTypes: false }));
  const coercing = withFormats(new AjvCtor({ ...common, coerceTypes: 'array' }));
  for (const a of [strict, coercing]) a.addKeyword({ keyword: 'example' });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? strict.compile(schema) : coercing.compile(schema),
  );
}
