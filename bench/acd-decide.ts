/**
 * ACD decision latency: the pure routing core (decide) with 10,000 signed-in agents in 1,000
 * queues (3 memberships each, tiers 1–2, levels 1–10) and 50,000 waiting calls (every agent is
 * busy, so calls wait). Steady state: each cycle ends one connected call (the agent wraps up at
 * once and is offered the best waiting call of their queues: selection + explanation), answers
 * that offer, enters a new call (it waits: routing finds no free agent) and lets one waiting call
 * abandon. Before each cycle a `tick` runs the timers that fell due (gate openings: tier delay
 * and widening re-route waiting calls) as a decision of its own. Every decide() is timed alone
 * with hrtime.
 *
 * Run: node --import tsx bench/acd-decide.ts [cycles] [strategy]
 */
import { createAcdState } from '../src/acd/acd-state.js';
import type { AcdEvent, AcdState } from '../src/acd/acd-types.js';
import { decide } from '../src/acd/decide.js';
import { queueConfig, type Strategy } from '../src/acd/queue-config.js';
import { seededRng } from '../src/acd/rng.js';

const CYCLES = Number(process.argv[2] ?? 20_000);
const STRATEGY = (process.argv[3] ?? 'longest-idle') as Strategy;
const QUEUES = 1_000;
const AGENTS = 10_000;
const WAITING = 50_000;
const rng = seededRng(11);
const int = (n: number) => Math.floor(rng() * n);

const s: AcdState = createAcdState('bench', seededRng(3));
let at = Date.UTC(2026, 11, 3);
const run = (ev: Omit<AcdEvent, 'at'>) => decide(s, { ...ev, at } as AcdEvent);

for (let q = 0; q < QUEUES; q++) {
  run({
    type: 'queue.configure',
    config: queueConfig({
      queueId: `q${q}`,
      strategy: STRATEGY,
      wrapUpMs: 0,
      tierDelayMs: 20_000,
      ringTimeoutMs: 30_000,
      minLevel: 5,
      widening: [{ afterMs: 30_000, minLevel: 1 }],
      overflow: { maxWaitMs: 3_600_000, maxWaiting: null, target: { kind: 'callback' } },
    }),
  } as Omit<AcdEvent, 'at'>);
}
for (let i = 0; i < AGENTS; i++) {
  const qs = new Set<number>();
  while (qs.size < 3) qs.add(int(QUEUES));
  const agentId = `a${i}`;
  run({
    type: 'agent.configure',
    agentId,
    memberships: [...qs].map((q) => ({
      queueId: `q${q}`,
      level: 1 + int(10),
      tier: 1 + int(2),
      position: int(100),
    })),
  } as Omit<AcdEvent, 'at'>);
  run({ type: 'agent.login', agentId } as Omit<AcdEvent, 'at'>);
  run({ type: 'agent.sign-in', agentId, mode: { kind: 'web' }, ready: true } as Omit<AcdEvent, 'at'>);
}

let callNo = 0;
const enter = () =>
  run({
    type: 'call.enter',
    callId: `c${callNo++}`,
    queueId: `q${int(QUEUES)}`,
    priority: rng() < 0.1 ? 5 : 0,
  } as Omit<AcdEvent, 'at'>);
// fill: offer to every agent, answer, then let the rest wait (time passes so widening opens)
for (let i = 0; i < AGENTS * 3 && s.connected.size < AGENTS; i++) {
  const r = enter();
  at += 1;
  for (const d of r.decisions)
    if (d.kind === 'offer')
      run({ type: 'offer.answer', callId: d.callId, agentId: d.agents[0]!.agentId } as Omit<AcdEvent, 'at'>);
  if (i % 1000 === 0) at += 31_000;
}
// agents left free (no reachable waiting call) take calls as they come; fill to WAITING waiting
while (s.calls.size < WAITING) {
  at += 2; // spread arrivals so their gate timers do not all fall due at one instant
  const r = enter();
  for (const d of r.decisions)
    if (d.kind === 'offer')
      run({ type: 'offer.answer', callId: d.callId, agentId: d.agents[0]!.agentId } as Omit<AcdEvent, 'at'>);
}
console.log(
  `setup: ${s.agents.size} agents signed in, ${s.queues.size} queues, ${s.connected.size} talking, ${s.calls.size} waiting (${STRATEGY})`,
);

const samples: Record<string, number[]> = { tick: [], end: [], answer: [], enter: [], abandon: [] };
const time = (kind: string, ev: Omit<AcdEvent, 'at'>) => {
  const t0 = process.hrtime.bigint();
  const r = decide(s, { ...ev, at } as AcdEvent);
  samples[kind]!.push(Number(process.hrtime.bigint() - t0) / 1000);
  return r;
};
const connected = () => [...s.connected.keys()];
let pool = connected();
let offers = 0;
for (let i = 0; i < CYCLES; i++) {
  at += 5;
  if (pool.length === 0) pool = connected();
  const callId = pool.splice(int(pool.length), 1)[0]!;
  if (!s.connected.has(callId)) continue;
  // timers that fell due (gate openings of waiting calls) run as their own decision
  time('tick', { type: 'tick' } as Omit<AcdEvent, 'at'>);
  const r = time('end', { type: 'call.end', callId } as Omit<AcdEvent, 'at'>);
  for (const d of r.decisions) {
    if (d.kind !== 'offer') continue;
    offers++;
    time('answer', { type: 'offer.answer', callId: d.callId, agentId: d.agents[0]!.agentId } as Omit<
      AcdEvent,
      'at'
    >);
  }
  time('enter', { type: 'call.enter', callId: `c${callNo++}`, queueId: `q${int(QUEUES)}` } as Omit<
    AcdEvent,
    'at'
  >);
  if (i % 2 === 0) {
    const victim = `c${callNo - 1 - int(WAITING)}`;
    if (s.calls.has(victim) && s.calls.get(victim)!.status === 'waiting') {
      time('abandon', { type: 'call.abandon', callId: victim } as Omit<AcdEvent, 'at'>);
      // keep the queues at WAITING: one more caller arrives
      time('enter', { type: 'call.enter', callId: `c${callNo++}`, queueId: `q${int(QUEUES)}` } as Omit<
        AcdEvent,
        'at'
      >);
    }
  }
}

const pct = (xs: number[], p: number) => {
  const v = [...xs].sort((a, b) => a - b);
  return v[Math.min(v.length - 1, Math.floor((p / 100) * v.length))] ?? Number.NaN;
};
const all = Object.values(samples).flat();
console.log(
  `after: ${s.calls.size} waiting, ${s.connected.size} talking; ${offers} offers in ${CYCLES} cycles`,
);
console.log('| event | decisions | p50 µs | p99 µs | max µs |');
console.log('|---|---|---|---|---|');
for (const [k, xs] of [...Object.entries(samples), ['all', all] as const]) {
  console.log(
    `| ${k} | ${xs.length} | ${pct(xs, 50).toFixed(1)} | ${pct(xs, 99).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`,
  );
}
