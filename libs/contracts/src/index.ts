import 'reflect-metadata';

export * from './topics';
export * from './headers';
export * from './parsing/problem';
export * from './parsing/parse-event';
export * from './events/validators';
export * from './events/checkout-completed.v1';
export * from './events/day-closed.v1';
export * from './events/integration-config.v1';
export * from './events/integration-events.v1';
export * from './events/customers-changed.v1';
export * from './events/invoice-status.v1';
export * from './events/day-status.v1';
export * from './events/record-rejected.v1';
export * from './events/alert.v1';
export * from './access';
export * from './records';
