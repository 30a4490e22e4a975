export * from './offer-answer.js';
export * from './sdp.js';
