export * from './connector-error';
export type { ConnectorOptions } from './http';
export { OUTSIDE_SYSTEMS, postText } from './http';
export * from './payment.client';
export * from './population.client';
export * from './bhxh.client';
