export * from './connector-error';
export type { ConnectorOptions } from './http';
export * from './payment.client';
export * from './population.client';
export * from './bhxh.client';
