/**
 * Keeps one RegistrationClient per enabled trunk that registers with its carrier, in step with
 * the database (reconcile() after every trunk change), and stores each client's status in
 * trunk_status so the API can show it (GET /api/v1/trunks/:id → registration).
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../kernel/logger.js';
import { SecretBox } from '../kernel/secrets.js';
import type { SipStack } from '../sip/stack.js';
import { RegistrationClient } from '../sip/trunk/registration-client.js';
import { outboundPasswordContext, TrunksRepo } from '../storage/repositories/trunks-repo.js';
import type { Database, TrunksTable } from '../storage/schema.js';

function settingsKey(t: TrunksTable): string {
  return JSON.stringify([
    t.host,
    t.port,
    t.transport,
    t.from_domain,
    t.outbound_username,
    t.outbound_password,
    t.register_expires,
  ]);
}

export class TrunkRegistrations {
  readonly #clients = new Map<string, { key: string; client: RegistrationClient }>();
  #closed = false;

  constructor(
    private readonly o: {
      db: Kysely<Database>;
      stack: Pick<SipStack, 'sendRequest' | 'localAddress'>;
      clock: Clock;
      logger: Logger;
      /** Opens sealed outbound passwords (src/kernel/secrets.ts). */
      secrets?: SecretBox;
    },
  ) {}

  /** The carrier password in clear, only in memory and only for the registration client. */
  #password(t: TrunksTable): string | undefined {
    const v = t.outbound_password!;
    if (!SecretBox.isSealed(v)) return v; // a row written before sealing; the server seals it at boot
    try {
      if (!this.o.secrets) throw new Error('no secret key configured');
      return this.o.secrets.open(v, outboundPasswordContext(t.id));
    } catch (err) {
      this.o.logger.error({ err, trunkId: t.id }, 'trunk password cannot be decrypted; not registering');
      return undefined;
    }
  }

  /** Registered trunk ids (for tests and diagnostics). */
  get trunkIds(): string[] {
    return [...this.#clients.keys()];
  }

  async reconcile(): Promise<void> {
    if (this.#closed) return;
    const wanted = (await new TrunksRepo(this.o.db).allEnabled()).filter(
      (t) => t.register === 1 && t.direction !== 'inbound' && t.outbound_username && t.outbound_password,
    );
    const byId = new Map(wanted.map((t) => [t.id, t]));
    for (const [id, c] of this.#clients) {
      const t = byId.get(id);
      if (!t || settingsKey(t) !== c.key) {
        this.#clients.delete(id);
        void c.client.stop();
      }
    }
    for (const t of wanted) {
      if (this.#clients.has(t.id)) continue;
      const password = this.#password(t);
      if (password === undefined) continue;
      const client = new RegistrationClient({
        stack: this.o.stack,
        clock: this.o.clock,
        logger: this.o.logger,
        config: {
          id: t.id,
          registrar: { transport: t.transport, host: t.host, port: t.port },
          domain: t.from_domain ?? t.host,
          username: t.outbound_username!,
          password,
          expires: t.register_expires,
        },
      });
      client.on('status', (s) => {
        new TrunksRepo(this.o.db)
          .saveStatus({
            trunk_id: t.id,
            tenant_id: t.tenant_id,
            state: s.state,
            last_code: s.lastCode,
            last_error: s.lastError,
            expires_at: s.expiresAt,
            updated_at: s.updatedAt,
          })
          .catch((err: unknown) => this.o.logger.warn({ err, trunkId: t.id }, 'trunk status not saved'));
      });
      this.#clients.set(t.id, { key: settingsKey(t), client });
      client.start();
    }
  }

  /** Stops every client; unregistering is best effort (the stack may close right after). */
  close(): void {
    this.#closed = true;
    for (const c of this.#clients.values()) void c.client.stop();
    this.#clients.clear();
  }
}
