export * from './queues';
export * from './connections';
export * from './outbox-relay';
export * from './dead-letters';
