/**
 * What the ACD needs from storage, declared here and implemented structurally by
 * src/storage/repositories/acd-repo.ts. Every method takes the tenant: isolation in one layer.
 */
export interface QueueRow {
  tenantId: string;
  /** Tenant-chosen queue id (the core's queueId), unique within the tenant. */
  queueId: string;
  name: string;
  /** The named skill this group serves (acd_skills.name), if any. */
  skill: string | null;
  /** The queue's routing settings as JSON (a QueueConfig without queueId). */
  config: string;
  createdAt: number;
  updatedAt: number;
}

export interface QueueStore {
  upsertQueue(row: QueueRow): Promise<void>;
  queue(tenantId: string, queueId: string): Promise<QueueRow | undefined>;
  queues(tenantId: string): Promise<QueueRow[]>;
  removeQueue(tenantId: string, queueId: string): Promise<boolean>;
  addSkill(tenantId: string, name: string, at: number): Promise<void>;
  skills(tenantId: string): Promise<string[]>;
}
