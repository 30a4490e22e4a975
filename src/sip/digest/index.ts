export * from './auth-header.js';
export * from './digest.js';
export * from './nonce.js';
