export * from './cseq.js';
export * from './ids.js';
export * from './name-addr.js';
export * from './params.js';
export * from './uri.js';
export * from './via.js';
