export * from './metrics';
export * from './system-collector';
export * from './command-metrics';
export * from './metrics-endpoint';
export * from './metrics-server';
export * from './handoff-metrics';
