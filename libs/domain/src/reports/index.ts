export * from './reporting-period';
export * from './periodic-report';
