export * from './offer-answer.js';
export * from './offer-check.js';
export * from './sdp.js';
