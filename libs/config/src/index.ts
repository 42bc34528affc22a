export * from './env';
export * from './logger';
export * from './personal-data';
export * from './trust-proxy';
