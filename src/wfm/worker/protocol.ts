/** Messages between the control plane and the WFM worker thread (structured-clone plain data). */
import type { ErrorCode } from '../../kernel/error-codes.js';

export type JobKind =
  | 'erlang-batch'
  | 'forecast'
  | 'schedule'
  | 'schedule-multi-skill'
  | 'simulate'
  | 'contact-report'
  | 'agent-time-report';

export type ToWorker =
  | { readonly type: 'run'; readonly id: number; readonly kind: JobKind; readonly input: unknown }
  | { readonly type: 'cancel'; readonly id: number };

export type FromWorker =
  | { readonly type: 'ready' }
  | {
      readonly type: 'progress';
      readonly id: number;
      readonly done: number;
      readonly total: number;
      readonly phase: string;
    }
  | { readonly type: 'result'; readonly id: number; readonly result: unknown }
  | {
      readonly type: 'error';
      readonly id: number;
      readonly error: {
        readonly code: ErrorCode | null;
        readonly message: string;
        readonly details: unknown;
      };
    };

export interface Progress {
  readonly done: number;
  readonly total: number;
  readonly phase: string;
}
