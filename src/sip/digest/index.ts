export * from './auth-header.js';
export * from './digest.js';
export * from './nonce.js';
export * from './nonce-counts.js';
export * from './uri-match.js';
