/**
 * SIP over WebSocket (RFC 7118) on top of the `ws` package: the 'sip' subprotocol is
 * required, each WebSocket message carries exactly one SIP message, WebSocket ping/pong
 * (handled by `ws`) keeps NAT bindings alive.
 */
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { Clock } from '../../kernel/clock.js';
import { Flow, normalizeAddress, type WsLike } from './flow.js';

interface WsSocket extends WsLike {
  protocol: string;
  on(event: 'message', fn: (data: Buffer | Buffer[] | ArrayBuffer, isBinary: boolean) => void): void;
  on(event: 'close' | 'error', fn: () => void): void;
}

interface WsServer {
  on(event: 'connection', fn: (ws: WsSocket, req: IncomingMessage) => void): void;
  close(): void;
  clients: Set<WsSocket>;
}

interface WsModule {
  WebSocketServer: new (opts: {
    server: HttpServer;
    maxPayload: number;
    handleProtocols: (protocols: Set<string>) => string | false;
    verifyClient: (info: { req: IncomingMessage }) => boolean;
  }) => WsServer;
}

const require = createRequire(import.meta.url);
const wsLib = require('ws') as WsModule;

export interface WsServerHandle {
  close(): void;
}

export function attachWebSocketServer(
  server: HttpServer,
  kind: 'ws' | 'wss',
  clock: Clock,
  cb: {
    maxPayload: number;
    onFlow: (flow: Flow) => void;
    onMessage: (flow: Flow, data: Buffer) => void;
    onClose: (flow: Flow) => void;
  },
): WsServerHandle {
  const wss = new wsLib.WebSocketServer({
    server,
    maxPayload: cb.maxPayload,
    // RFC 7118 section 4: the client MUST offer 'sip'; refuse the handshake otherwise
    handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
    verifyClient: ({ req }) =>
      String(req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .some((p) => p.trim() === 'sip'),
  });
  wss.on('connection', (ws, req) => {
    if (ws.protocol !== 'sip') {
      ws.close(1002, 'sip subprotocol required');
      return;
    }
    const sock = req.socket as Socket;
    const flow = new Flow(
      kind,
      {
        remoteAddress: normalizeAddress(sock.remoteAddress ?? ''),
        remotePort: sock.remotePort ?? 0,
        localAddress: normalizeAddress(sock.localAddress ?? ''),
        localPort: sock.localPort ?? 0,
      },
      clock.monotonic(),
      { ws },
    );
    cb.onFlow(flow);
    ws.on('message', (data) => {
      const buf = Buffer.isBuffer(data)
        ? data
        : Array.isArray(data)
          ? Buffer.concat(data)
          : Buffer.from(data as ArrayBuffer);
      cb.onMessage(flow, buf);
    });
    const closed = () => {
      flow.closed = true;
      cb.onClose(flow);
    };
    ws.on('close', closed);
    ws.on('error', closed);
  });
  return {
    close: () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
    },
  };
}
