export { type ConnectionLimits, connectionLimitsOf } from './conn-policy.js';
export { SipConnectionStats } from './conn-stats.js';
export { StreamFramer } from './framer.js';
export { type KeepAliveTarget, OptionsKeepAlive } from './keepalive.js';
export { createTransportLayer } from './layer.js';
export type * from './types.js';
export { defaultPort, responseTarget, stampVia } from './via-stamp.js';
