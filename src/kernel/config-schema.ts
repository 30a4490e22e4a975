import { type Static, Type as T } from '@sinclair/typebox';

/**
 * The one configuration schema. Defaults live here. Each leaf can be set by an environment
 * variable named SWB_<SECTION>_<KEY> in upper snake case (e.g. sip.udpPort → SWB_SIP_UDP_PORT)
 * or by a JSON file given with SWB_CONFIG_FILE / --config. Precedence: env > file > default.
 */
const Port = (def: number, description: string) =>
  T.Integer({ minimum: 0, maximum: 65535, default: def, description });

export const ConfigSchema = T.Object(
  {
    http: T.Object(
      {
        host: T.String({ default: '0.0.0.0', description: 'HTTP/WebSocket listen address' }),
        port: Port(8080, 'HTTP port for the REST API, console and WebSocket events'),
        bodyLimitBytes: T.Integer({ minimum: 1024, maximum: 104857600, default: 1048576 }),
        trustProxy: T.Boolean({ default: false }),
        publicUrl: T.String({ default: '', description: 'Base URL users reach; derived if empty' }),
      },
      { default: {}, additionalProperties: false },
    ),
    sip: T.Object(
      {
        host: T.String({ default: '0.0.0.0', description: 'SIP listen address' }),
        publicAddress: T.String({
          default: '',
          description: 'Address put in Via/Contact/SDP; derived if empty',
        }),
        udpPort: Port(5060, 'SIP over UDP'),
        tcpPort: Port(5060, 'SIP over TCP'),
        tlsPort: Port(5061, 'SIP over TLS (needs tlsCert and tlsKey)'),
        wsPort: Port(5066, 'SIP over WebSocket (RFC 7118)'),
        wssPort: Port(7443, 'SIP over secure WebSocket (needs tlsCert and tlsKey)'),
        tlsCert: T.String({ default: '', description: 'PEM certificate file for TLS and WSS' }),
        tlsKey: T.String({ default: '', description: 'PEM key file for TLS and WSS' }),
        enabled: T.Boolean({ default: true, description: 'Start the SIP service' }),
        maxConnections: T.Integer({
          minimum: 1,
          default: 10000,
          description:
            'Accepted TCP/TLS/WS/WSS connections in total; beyond it new ones are closed at once (keep below the open-files limit)',
        }),
        maxConnectionsPerAddress: T.Integer({
          minimum: 1,
          default: 100,
          description:
            'Accepted TCP/TLS/WS/WSS connections per source address (IPv6: per /64); connections holding a live registration do not count',
        }),
        firstMessageTimeoutMs: T.Integer({
          minimum: 100,
          default: 30000,
          description:
            'An accepted connection is closed unless it delivers a complete SIP message within this (TLS/WebSocket handshake included)',
        }),
        idleTimeoutMs: T.Integer({
          minimum: 1000,
          default: 600000,
          description:
            'Connections without a SIP message this long are closed, unless a live registration holds them (CRLF keep-alives do not count)',
        }),
        digest: T.Union(
          [T.Literal('sha256+md5'), T.Literal('md5+sha256'), T.Literal('sha256'), T.Literal('md5')],
          {
            default: 'md5',
            description:
              'Digest challenges offered, most preferred first (RFC 8760). Use md5 for old phones that take the first challenge',
          },
        ),
      },
      { default: {}, additionalProperties: false },
    ),
    media: T.Object(
      {
        rtpPortMin: Port(20000, 'First UDP port for RTP/RTCP'),
        rtpPortMax: Port(30000, 'Last UDP port for RTP/RTCP'),
        workers: T.Integer({ minimum: 0, maximum: 256, default: 0, description: '0 = one per core' }),
        recordingsDir: T.String({
          default: '',
          description: 'Where recordings go; default <dataDir>/recordings',
        }),
        enabled: T.Boolean({
          default: true,
          description: 'Start the media plane (RTP relay, recording) with SIP',
        }),
        recordCalls: T.Boolean({
          default: true,
          description: "Record every bridged call: one two-channel WAV per caller's leg",
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    storage: T.Object(
      {
        dataDir: T.String({ default: './data', description: 'Folder for the SQLite database and files' }),
        databaseUrl: T.String({
          default: '',
          description: 'postgres://user:pass@host/db for PostgreSQL; empty = SQLite in dataDir',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    auth: T.Object(
      {
        sessionTtlSeconds: T.Integer({ minimum: 60, default: 43200 }),
        cookieSecure: T.Boolean({
          default: false,
          description: 'Set Secure on cookies (enable behind HTTPS)',
        }),
        maxFailedLogins: T.Integer({
          minimum: 1,
          default: 5,
          description:
            'Password attempts for one account from one source address per window; more get 429 (never a hard lock)',
        }),
        failureWindowSeconds: T.Integer({
          minimum: 1,
          default: 900,
          description: 'Window of every login-attempt counter (account+address, account, address)',
        }),
        lockoutSeconds: T.Integer({
          minimum: 1,
          default: 14400,
          description:
            'Longest back-off of one account from one address: its window doubles after each window it overran, up to this',
        }),
        accountMaxFailures: T.Integer({
          minimum: 1,
          default: 20,
          description:
            'Attempts per window for one account from all addresses not known-good for it (ASVS 2.2.1: under 100 an hour)',
        }),
        sourceMaxFailures: T.Integer({
          minimum: 1,
          default: 100,
          description:
            'Login attempts per window from one address across accounts (spraying); in-flight logins count, so leave room for a NAT',
        }),
        knownSourceDays: T.Integer({
          minimum: 0,
          default: 30,
          description:
            'An address that logged in to an account stays known-good for it this long: exempt from the account ceiling',
        }),
        scryptCost: T.Integer({ minimum: 1024, default: 32768, description: 'scrypt N (power of two)' }),
      },
      { default: {}, additionalProperties: false },
    ),
    log: T.Object(
      {
        level: T.Union(
          ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => T.Literal(l)),
          { default: 'info' },
        ),
        format: T.Union([T.Literal('auto'), T.Literal('pretty'), T.Literal('json')], {
          default: 'auto',
          description:
            'auto: short human lines on a terminal, JSON otherwise (pipe, file, journald); pretty or json to force one',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    outboundPolicy: T.Object(
      {
        accountMaxConcurrent: T.Integer({
          minimum: 0,
          default: 2,
          description: 'Concurrent outbound trunk calls per SIP account, unless the account sets its own',
        }),
        accountMaxPerMinute: T.Integer({
          minimum: 0,
          default: 10,
          description:
            'Outbound trunk calls per SIP account per sliding minute, unless the account sets its own',
        }),
        tenantMaxConcurrent: T.Integer({
          minimum: 0,
          default: 20,
          description:
            'Concurrent outbound trunk calls per tenant, unless the platform operator sets its own',
        }),
        tenantMaxPerMinute: T.Integer({
          minimum: 0,
          default: 60,
          description:
            'Outbound trunk calls per tenant per sliding minute, unless the platform operator sets its own',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    security: T.Object(
      {
        secretKeyFile: T.String({
          default: '',
          description:
            'Key file for secrets at rest (AES-256-GCM; one base64 key per line, first = current); created 0600 at first start; default <dataDir>/secret.key. Back it up with the database',
        }),
        secretKey: T.String({
          default: '',
          description:
            'Base64 32-byte key for secrets at rest (e.g. from a secret manager); overrides the key file',
        }),
        previousSecretKeys: T.String({
          default: '',
          description:
            'Comma-separated base64 keys that still decrypt (during a rotation; see switchboard rotate-secrets)',
        }),
        banScannerUserAgents: T.Boolean({
          default: true,
          description:
            'Ban SIP sources whose User-Agent is a known scanner (friendly-scanner, sipvicious, sipcli, …)',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
    demo: T.Object(
      {
        seedOnFirstStart: T.Boolean({
          default: true,
          description: 'Seed the demo tenant on an empty database',
        }),
      },
      { default: {}, additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
