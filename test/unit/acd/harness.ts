import {
  type AcdCommand,
  type AcdEngine,
  type AcdInput,
  createAcdEngine,
} from '../../../src/acd/acd-engine.js';
import { type QueueConfig, queueConfig } from '../../../src/acd/queue-config.js';
import { seededRng } from '../../../src/acd/rng.js';
import type { QueueMembership } from '../../../src/agents/agent.js';
import { FakeClock } from '../../../src/kernel/clock.js';
import { createEventBus, type DomainEvents } from '../../../src/kernel/domain-events.js';

const NAMES = [
  'agent.status',
  'agent.state',
  'queue.entered',
  'queue.offered',
  'queue.answered',
  'queue.abandoned',
  'queue.overflowed',
  'queue.widened',
  'queue.last_agent_fallback',
  'offer.missed',
] as const;

export type Recorded = {
  [K in (typeof NAMES)[number]]: { name: K; e: DomainEvents[K][0] };
}[(typeof NAMES)[number]];

/** An ACD engine on a FakeClock with every event and command recorded. */
export class Harness {
  readonly clock = new FakeClock();
  readonly bus = createEventBus((err) => {
    throw err;
  });
  readonly events: Recorded[] = [];
  readonly commands: AcdCommand[] = [];
  readonly acd: AcdEngine;

  constructor(seed = 42) {
    for (const name of NAMES)
      this.bus.on(name, ((e: never) => this.events.push({ name, e } as Recorded)) as never);
    this.acd = createAcdEngine({
      tenantId: 't1',
      clock: this.clock,
      bus: this.bus,
      rng: seededRng(seed),
      onCommand: (c) => this.commands.push(c),
    });
  }

  do(ev: AcdInput): AcdCommand[] {
    return this.acd.dispatch(ev);
  }

  queue(queueId: string, cfg: Partial<QueueConfig> = {}): void {
    this.do({ type: 'queue.configure', config: queueConfig({ queueId, ...cfg }) });
  }

  /** Configure, log in, sign in (web) and set ready. */
  agent(
    agentId: string,
    memberships: (Partial<QueueMembership> & { queueId: string })[],
    opts: { ready?: boolean; signIn?: boolean } = {},
  ): void {
    this.do({
      type: 'agent.configure',
      agentId,
      memberships: memberships.map((m) => ({ level: 5, tier: 1, position: 0, ...m })),
    });
    this.do({ type: 'agent.login', agentId });
    if (opts.signIn === false) return;
    this.do({ type: 'agent.sign-in', agentId, mode: { kind: 'web' }, ready: opts.ready ?? true });
  }

  enter(
    callId: string,
    queueId: string,
    extra: { priority?: number; lastAgentId?: string } = {},
  ): AcdCommand[] {
    return this.do({ type: 'call.enter', callId, queueId, ...extra });
  }

  /** Agents the call was offered to by the commands given. */
  static offeredIn(cmds: AcdCommand[], callId?: string): string[] {
    return cmds.flatMap((c) =>
      c.kind === 'offer' && (!callId || c.callId === callId) ? c.agents.map((a) => a.agentId) : [],
    );
  }

  lastOffer(callId: string): Extract<AcdCommand, { kind: 'offer' }> | undefined {
    const all = this.commands.filter(
      (c): c is Extract<AcdCommand, { kind: 'offer' }> => c.kind === 'offer' && c.callId === callId,
    );
    return all[all.length - 1];
  }

  agentRec(id: string) {
    return this.acd.state.agents.get(id)!;
  }

  named<K extends Recorded['name']>(name: K): Extract<Recorded, { name: K }>['e'][] {
    return this.events.filter((r) => r.name === name).map((r) => r.e) as never;
  }

  /** Answer, talk for `talkMs`, hang up. */
  serve(callId: string, agentId: string, talkMs = 1000): void {
    this.do({ type: 'offer.answer', callId, agentId });
    this.clock.advance(talkMs);
    this.do({ type: 'call.end', callId });
  }
}
