export * from './legal-time';
export * from './vn-time';
export * from './lunar';
export * from './office-profile';
export * from './holidays';
export * from './working-calendar';
export * from './early-on-time-late';
