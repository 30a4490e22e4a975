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
        maxFailedLogins: T.Integer({ minimum: 1, default: 5 }),
        lockoutSeconds: T.Integer({ minimum: 1, default: 900 }),
        failureWindowSeconds: T.Integer({ minimum: 1, default: 900 }),
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
        pretty: T.Boolean({ default: false }),
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
