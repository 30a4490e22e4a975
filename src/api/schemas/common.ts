import { type Static, Type as T, type TSchema } from '@sinclair/typebox';
import { DEFAULT_LIMIT, MAX_LIMIT } from '../../storage/page.js';

/** The one error body of the API. */
export const ErrorBody = T.Object(
  {
    code: T.String({ description: 'Stable SWB_* code (see docs/errors.md)', examples: ['SWB_VALIDATION'] }),
    message: T.String(),
    details: T.Record(T.String(), T.Unknown()),
  },
  { $id: 'ErrorBody', description: 'Every error response has this shape' },
);

export const IdPattern = '^[a-z]{3}_[0-9a-z]{4,40}$';
export const Id = T.String({ pattern: IdPattern, maxLength: 44, description: 'Prefixed id, e.g. usr_…' });
export const IdParams = T.Object({ id: Id }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;

export const PageQuery = {
  limit: T.Optional(T.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })),
  cursor: T.Optional(T.String({ maxLength: 200, description: 'Opaque cursor from a previous page' })),
};

export const Search = T.Optional(
  T.String({ maxLength: 100, description: 'Case-insensitive substring search' }),
);

export function PageOf<S extends TSchema>(item: S) {
  return T.Object({ items: T.Array(item), nextCursor: T.Union([T.String(), T.Null()]) });
}

export const Timestamp = T.String({ format: 'date-time' });
export const NullableTimestamp = T.Union([T.String({ format: 'date-time' }), T.Null()]);

/** Standard error responses listed on every route for the OpenAPI document. */
export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  413: ErrorBody,
  415: ErrorBody,
} as const;

export const Username = T.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' });
export const Password = T.String({ minLength: 8, maxLength: 200 });
export const Name = T.String({ minLength: 1, maxLength: 200 });
