/**
 * The SIP transport layer: UDP, TCP, TLS, WS and WSS listeners on IPv4/IPv6, connection
 * reuse, Via stamping, symmetric responses, CRLF keep-alive, size limits and the
 * malformed-message policy. Emits 'message' for every valid message and 'malformed' for
 * everything answered with an error or dropped.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  createServer as createNetServer,
  isIPv6,
  connect as netConnect,
  type Server,
  type Socket,
} from 'node:net';
import { createServer as createTlsServer, connect as tlsConnect } from 'node:tls';
import type { TimerHandle } from '../../kernel/clock.js';
import { isSwbError, SwbError, sipStatusOf } from '../../kernel/errors.js';
import { TypedEmitter } from '../../kernel/events.js';
import { createResponse, type SipMessage, type SipRequest, type SipResponse } from '../message.js';
import { parseMessage } from '../parser.js';
import { serializeMessage } from '../serializer.js';
import { type ValidateOptions, validateRequest, validateResponse } from '../validate.js';
import type { AcceptedConn } from './conn-gate.js';
import { ConnectionPolicy } from './conn-policy.js';
import type { SipConnectionStats } from './conn-stats.js';
import { Flow, flowKey, normalizeAddress } from './flow.js';
import { StreamFramer } from './framer.js';
import { MalformedGuard, salvageResponse } from './malformed.js';
import type {
  Endpoint,
  SipSource,
  SipTarget,
  SipTransportEvents,
  SipTransportKind,
  SipTransportLayer,
  TlsEndpoint,
  TransportLayerOptions,
} from './types.js';
import { responseTarget, stampVia } from './via-stamp.js';
import { attachWebSocketServer, type WsServerHandle } from './ws.js';

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const SWEEP_MS = 30_000;

class TransportLayer extends TypedEmitter<SipTransportEvents> implements SipTransportLayer {
  readonly #o: TransportLayerOptions;
  readonly #max: number;
  readonly #validate: ValidateOptions | false;
  readonly #guard: MalformedGuard;
  readonly #limits: ConnectionPolicy;
  readonly #udp: { socket: UdpSocket; local: SipSource }[] = [];
  readonly #servers: { server: Server | HttpServer; local: SipSource; ws?: WsServerHandle }[] = [];
  /** Every accepted raw socket (also those still in a TLS/WebSocket handshake), destroyed on close. */
  readonly #rawSockets = new Set<Socket>();
  readonly #flows = new Map<string, Flow>();
  readonly #flowByKey = new Map<string, Flow>();
  readonly #dialing = new Map<string, Promise<Flow>>();
  #sweep: TimerHandle | undefined;
  #closed = false;

  constructor(o: TransportLayerOptions) {
    super((err, event) => o.logger.error({ err, event }, 'sip transport listener threw'));
    this.#o = o;
    this.#max = o.maxMessageSize ?? 65_535;
    this.#validate =
      o.validate === false ? false : o.validate === true || o.validate === undefined ? {} : o.validate;
    this.#guard = new MalformedGuard(
      o.clock,
      o.logger,
      o.malformedBurst ?? 20,
      o.malformedWindowMs ?? 10_000,
    );
    this.#limits = new ConnectionPolicy({ ...o, stats: o.connectionStats });
  }

  /** Connection counters (the same object as options.connectionStats when given). */
  get connectionStats(): SipConnectionStats {
    return this.#limits.stats;
  }

  async start(): Promise<void> {
    for (const ep of list(this.#o.udp)) await this.#listenUdp(ep);
    for (const ep of list(this.#o.tcp)) await this.#listenStream('tcp', ep);
    for (const ep of list(this.#o.tls)) await this.#listenStream('tls', ep);
    for (const ep of list(this.#o.ws)) await this.#listenWs('ws', ep);
    for (const ep of list(this.#o.wss)) await this.#listenWs('wss', ep);
    this.#scheduleSweep();
  }

  listening(): SipSource[] {
    return [...this.#udp.map((u) => u.local), ...this.#servers.map((s) => s.local)];
  }

  connectionCount(): number {
    return this.#flows.size;
  }

  // ---- inbound ----

  #listenUdp(ep: Endpoint): Promise<void> {
    const socket = createSocket({ type: isIPv6(ep.host) ? 'udp6' : 'udp4', ipv6Only: isIPv6(ep.host) });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(ep.port, ep.host, () => {
        socket.off('error', reject);
        socket.on('error', (err) => this.#o.logger.warn({ err }, 'sip udp socket error'));
        try {
          socket.setRecvBufferSize(this.#o.udpRecvBufferSize ?? 4 * 1024 * 1024);
        } catch {
          // the kernel refused the size: keep its default
        }
        const a = socket.address();
        const local: SipSource = {
          transport: 'udp',
          localAddress: a.address,
          localPort: a.port,
          remoteAddress: '',
          remotePort: 0,
        };
        this.#udp.push({ socket, local });
        socket.on('message', (buf, rinfo) => {
          const src: SipSource = {
            transport: 'udp',
            remoteAddress: normalizeAddress(rinfo.address),
            remotePort: rinfo.port,
            localAddress: a.address,
            localPort: a.port,
          };
          this.#inbound(buf, src, false, (data) => this.#sendUdp(socket, data, rinfo.address, rinfo.port));
        });
        resolve();
      });
    });
  }

  #listenStream(kind: 'tcp' | 'tls', ep: Endpoint | TlsEndpoint): Promise<void> {
    const server =
      kind === 'tls'
        ? createTlsServer({ cert: (ep as TlsEndpoint).cert, key: (ep as TlsEndpoint).key }, (s) =>
            this.#adopt(kind, s),
          )
        : createNetServer();
    return this.#listenServer(kind, server, ep);
  }

  async #listenWs(kind: 'ws' | 'wss', ep: Endpoint | TlsEndpoint): Promise<void> {
    const server =
      kind === 'wss'
        ? createHttpsServer({ cert: (ep as TlsEndpoint).cert, key: (ep as TlsEndpoint).key })
        : createHttpServer();
    server.on('request', (_req, res) => {
      res.writeHead(426, { Upgrade: 'websocket' }).end();
    });
    await this.#listenServer(kind, server, ep);
    const entry = this.#servers[this.#servers.length - 1]!;
    entry.ws = attachWebSocketServer(server, kind, this.#o.clock, {
      maxPayload: this.#max,
      onFlow: (flow) => {
        flow.conn = this.#limits.connOf(flow.source);
        this.#register(flow);
      },
      onMessage: (flow, data) => this.#inbound(data, flow.source, false, (out) => flow.write(out), flow),
      onClose: (flow) => this.#forget(flow),
    });
  }

  #listenServer(kind: SipTransportKind, server: Server | HttpServer, ep: Endpoint): Promise<void> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.on('connection', (sock: Socket) => {
        if (this.#closed) {
          sock.destroy();
          return;
        }
        // caps are checked on the raw socket, before any TLS or WebSocket handshake
        const conn = this.#limits.admit(sock, kind);
        if (!conn) return;
        this.#rawSockets.add(sock);
        sock.once('close', () => this.#rawSockets.delete(sock));
        if (kind === 'tcp') this.#adopt('tcp', sock, conn);
      });
      server.listen(ep.port, ep.host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.#o.logger.warn({ err, kind }, 'sip listener error'));
        const a = server.address();
        const local: SipSource = {
          transport: kind,
          localAddress: typeof a === 'object' && a ? a.address : ep.host,
          localPort: typeof a === 'object' && a ? a.port : ep.port,
          remoteAddress: '',
          remotePort: 0,
        };
        this.#servers.push({ server, local });
        resolve();
      });
    });
  }

  /** Wrap a connected TCP/TLS socket (accepted or dialled) in a flow with framing. */
  #adopt(kind: 'tcp' | 'tls', socket: Socket, conn?: AcceptedConn): Flow {
    if (this.#closed) socket.destroy();
    const flow = new Flow(
      kind,
      {
        remoteAddress: normalizeAddress(socket.remoteAddress ?? ''),
        remotePort: socket.remotePort ?? 0,
        localAddress: normalizeAddress(socket.localAddress ?? ''),
        localPort: socket.localPort ?? 0,
      },
      this.#o.clock.monotonic(),
      { socket },
    );
    flow.conn = conn ?? (kind === 'tls' ? this.#limits.connOf(flow.source) : undefined);
    const framer = new StreamFramer(this.#max);
    this.#register(flow);
    socket.on('data', (chunk: Buffer) => {
      if (flow.closed) return;
      let frames: ReturnType<StreamFramer['push']>;
      try {
        frames = framer.push(chunk);
      } catch (e) {
        // framing errors are not recoverable on a stream: answer if we can, then close
        if (isSwbError(e, 'SWB_SIP_TOO_LARGE')) this.#limits.stats.closed.buffer_limit++;
        const status = sipStatusOf(e);
        this.#malformed(flow.source, chunk, reasonOf(e), status, (out) => flow.write(out)).finally(() =>
          flow.close(),
        );
        return;
      }
      for (const f of frames) {
        if (f.kind === 'ping') void flow.write('\r\n').catch(() => {});
        else if (f.kind === 'message')
          this.#inbound(f.data, flow.source, true, (out) => flow.write(out), flow);
      }
    });
    socket.on('error', () => flow.close());
    socket.on('close', () => {
      flow.closed = true;
      this.#forget(flow);
    });
    return flow;
  }

  #register(flow: Flow): void {
    this.#flows.set(flow.id, flow);
    this.#flowByKey.set(flow.key, flow);
    this.#limits.opened(flow);
  }

  #forget(flow: Flow): void {
    if (this.#flows.get(flow.id) !== flow) return;
    this.#flows.delete(flow.id);
    this.#limits.forgotten(flow);
    for (const k of [flow.key, ...flow.aliases])
      if (this.#flowByKey.get(k) === flow) this.#flowByKey.delete(k);
  }

  /** One framed message from any transport (`flow` for connection-oriented ones). */
  #inbound(
    buf: Buffer,
    src: SipSource,
    stream: boolean,
    reply: (data: Buffer) => Promise<void>,
    flow?: Flow,
  ): void {
    if (this.#closed) return;
    // keep-alive datagrams (CRLF only) and empty frames
    if (isOnlyCrlf(buf)) return;
    if (buf.length > this.#max) {
      void this.#malformed(src, buf, 'message too large', 513, reply);
      return;
    }
    let m: SipMessage;
    try {
      m = parseMessage(buf, { stream });
    } catch (e) {
      void this.#malformed(src, buf, reasonOf(e), 400, reply);
      return;
    }
    if (flow) this.#limits.carried(flow, m);
    if (m.type === 'response') {
      const why = validateResponse(m);
      if (why !== undefined) {
        this.#guard.hit(src.remoteAddress, why);
        this.safeEmit('malformed', { source: src, reason: why, status: undefined, size: buf.length });
        return;
      }
      this.safeEmit('message', m, src);
      return;
    }
    try {
      stampVia(m, src);
    } catch (e) {
      void this.#malformed(src, buf, reasonOf(e), 400, reply);
      return;
    }
    if (this.#validate !== false) {
      const rej = validateRequest(m, this.#validate);
      if (rej) {
        const answer = this.#guard.hit(src.remoteAddress, rej.reason) && m.method !== 'ACK';
        this.safeEmit('malformed', {
          source: src,
          reason: rej.reason,
          status: answer ? rej.status : undefined,
          size: buf.length,
        });
        if (answer) {
          const res = createResponse(m as SipRequest, rej.status, {
            reason: rej.reason,
            headers: rej.headers,
          });
          void reply(serializeMessage(res)).catch(() => {});
        }
        return;
      }
    }
    this.safeEmit('message', m, src);
  }

  async #malformed(
    src: SipSource,
    buf: Buffer,
    reason: string,
    status: number,
    reply: (data: Buffer) => Promise<void>,
  ): Promise<void> {
    const allowed = this.#guard.hit(src.remoteAddress, reason);
    const res = allowed ? salvageResponse(buf, status) : undefined;
    this.safeEmit('malformed', { source: src, reason, status: res ? status : undefined, size: buf.length });
    if (res) await reply(serializeMessage(res)).catch(() => {});
  }

  // ---- outbound ----

  async send(msg: SipMessage, target: SipTarget): Promise<void> {
    if (this.#closed) throw new SwbError('SWB_CLOSED', { what: 'sip transport layer' });
    const data = serializeMessage(msg);
    if (data.length > this.#max)
      throw new SwbError('SWB_SIP_TOO_LARGE', { size: data.length, limit: this.#max });
    if (target.transport === 'udp') {
      const v6 = isIPv6(normalizeAddress(target.host));
      const u = this.#udp.find((x) => isIPv6(x.local.localAddress) === v6);
      if (!u)
        throw new SwbError('SWB_SIP_NO_ROUTE', { transport: 'udp', target: `${target.host}:${target.port}` });
      return this.#sendUdp(u.socket, data, normalizeAddress(target.host), target.port);
    }
    const flow = await this.#flowFor(target);
    this.#limits.carried(flow, msg);
    return flow.write(data);
  }

  async sendResponse(res: SipResponse, src?: SipSource): Promise<void> {
    return this.send(res, responseTarget(res, src));
  }

  #sendUdp(socket: UdpSocket, data: Buffer, host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) =>
      socket.send(data, port, host, (err) => (err ? reject(err) : resolve())),
    );
  }

  async #flowFor(t: SipTarget): Promise<Flow> {
    if (t.connectionId !== undefined) {
      const f = this.#flows.get(t.connectionId);
      if (f && !f.closed) return f;
    }
    const existing = this.#flowByKey.get(flowKey(t.transport, t.host, t.port));
    if (existing && !existing.closed) return existing;
    if (t.transport === 'tcp' || t.transport === 'tls') {
      // concurrent sends to the same target share one connection attempt
      const key = flowKey(t.transport, t.host, t.port);
      let pending = this.#dialing.get(key);
      if (!pending) {
        pending = this.#dial(t.transport, t).finally(() => this.#dialing.delete(key));
        this.#dialing.set(key, pending);
      }
      return pending;
    }
    throw new SwbError('SWB_SIP_NO_ROUTE', { transport: t.transport, target: `${t.host}:${t.port}` });
  }

  #dial(kind: 'tcp' | 'tls', t: SipTarget): Promise<Flow> {
    const host = normalizeAddress(t.host);
    return new Promise((resolve, reject) => {
      const socket =
        kind === 'tls'
          ? tlsConnect({
              host,
              port: t.port,
              servername: isIPv6(host) || /^[\d.]+$/.test(host) ? undefined : host,
              ...this.#o.tlsClient,
            })
          : netConnect({ host, port: t.port });
      const ready = kind === 'tls' ? 'secureConnect' : 'connect';
      socket.once('error', reject);
      socket.once(ready, () => {
        socket.off('error', reject);
        const flow = this.#adopt(kind, socket);
        // dialled by name (or a differently written address): find it again under that key too
        const asked = flowKey(kind, t.host, t.port);
        if (asked !== flow.key) {
          flow.aliases.push(asked);
          this.#flowByKey.set(asked, flow);
        }
        resolve(flow);
      });
    });
  }

  // ---- housekeeping ----

  #scheduleSweep(): void {
    this.#sweep = this.#o.clock.setTimer(Math.min(SWEEP_MS, this.#limits.idleMs), () => {
      const now = this.#o.clock.monotonic();
      for (const f of [...this.#flows.values()]) {
        if (this.#limits.isIdle(f, now)) {
          f.close();
          this.#forget(f);
        }
      }
      if (!this.#closed) this.#scheduleSweep();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#o.clock.clearTimer(this.#sweep);
    this.#limits.close();
    for (const f of [...this.#flows.values()]) f.close();
    for (const sock of this.#rawSockets) sock.destroy();
    this.#rawSockets.clear();
    this.#flows.clear();
    this.#flowByKey.clear();
    for (const u of this.#udp) u.socket.close();
    await Promise.all(
      this.#servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.ws?.close();
            (s.server as Server).close(() => resolve());
            (s.server as HttpServer).closeAllConnections?.();
          }),
      ),
    );
    this.removeAllListeners();
  }
}

function isOnlyCrlf(b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0x0d && b[i] !== 0x0a) return false;
  return true;
}

function reasonOf(e: unknown): string {
  if (isSwbError(e)) return String(e.details?.['reason'] ?? e.message);
  return String(e);
}

export async function createTransportLayer(opts: TransportLayerOptions): Promise<SipTransportLayer> {
  const layer = new TransportLayer(opts);
  try {
    await layer.start();
  } catch (e) {
    await layer.close();
    throw e;
  }
  return layer;
}
