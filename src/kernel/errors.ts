import { ERROR_CODES, type ErrorCode } from './error-codes.js';

export type ErrorDetails = Record<string, unknown>;

function render(template: string, details: ErrorDetails | undefined): string {
  return template.replace(/\{(\w+)\}/g, (_m, key: string) => {
    const v = details?.[key];
    return v === undefined ? `{${key}}` : String(v);
  });
}

/** The one error class. `code` is stable; `message` is for humans; `details` is safe to show. */
export class SwbError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, details?: ErrorDetails, options?: { cause?: unknown; message?: string }) {
    super(options?.message ?? render(ERROR_CODES[code].message, details), { cause: options?.cause });
    this.name = 'SwbError';
    this.code = code;
    this.details = details;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  get sipStatus(): number {
    return (ERROR_CODES[this.code] as { sip?: number }).sip ?? 500;
  }

  toJSON(): { code: ErrorCode; message: string; details: ErrorDetails } {
    return { code: this.code, message: this.message, details: this.details ?? {} };
  }
}

export function isSwbError(e: unknown, code?: ErrorCode): e is SwbError {
  return e instanceof SwbError && (code === undefined || e.code === code);
}

/** HTTP status for any thrown value: the one mapping point. */
export function httpStatusOf(e: unknown): number {
  return e instanceof SwbError ? e.httpStatus : 500;
}

/** SIP response code for any thrown value: the one mapping point. */
export function sipStatusOf(e: unknown): number {
  return e instanceof SwbError ? e.sipStatus : 500;
}

export { ERROR_CODES, type ErrorCode };
