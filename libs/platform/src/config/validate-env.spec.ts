import { EnvValidationError, KafkaServiceEnv, loadEnv } from '../index';

class ExampleEnv extends KafkaServiceEnv {
  override HTTP_PORT = 3999;
  override DATABASE_SCHEMA = 'example';
}

const valid = {
  DATABASE_URL: 'postgres://pos:secret-password@127.0.0.1:5432/pos',
  KAFKA_BROKERS: '127.0.0.1:9092,127.0.0.1:9093',
};

describe(loadEnv.name, () => {
  it('fills defaults, converts numbers and reads booleans strictly', () => {
    const env = loadEnv(ExampleEnv, 'example', {
      ...valid,
      HTTP_PORT: '4000',
      DATABASE_SSL: 'false',
    });
    expect(env.HTTP_PORT).toBe(4000);
    expect(env.DATABASE_SSL).toBe(false);
    expect(env.DATABASE_SCHEMA).toBe('example');
    expect(env.KAFKA_TOPIC_PARTITIONS).toBe(6);
  });

  it('keeps only the variables the service declares', () => {
    const env = loadEnv(ExampleEnv, 'example', { ...valid, PATH: '/usr/bin', HOME: '/root' });
    expect(Object.keys(env)).not.toContain('PATH');
  });

  it('treats an empty variable as unset', () => {
    expect(loadEnv(ExampleEnv, 'example', { ...valid, HTTP_PORT: '' }).HTTP_PORT).toBe(3999);
  });

  it('names every missing or invalid variable and never prints a value', () => {
    let error: unknown;
    try {
      loadEnv(ExampleEnv, 'example', {
        DATABASE_URL: 'mysql://user:hunter2-secret@db/x',
        HTTP_PORT: 'eighty',
        DATABASE_SSL: 'yes-please',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvValidationError);
    const e = error as EnvValidationError;
    expect(e.problems.map((p) => p.variable).sort()).toEqual(
      ['DATABASE_SSL', 'DATABASE_URL', 'HTTP_PORT', 'KAFKA_BROKERS'].sort(),
    );
    expect(e.message).toContain('Invalid configuration for example');
    expect(e.message).toContain('KAFKA_BROKERS: must be a comma-separated list of host:port');
    expect(e.message).not.toContain('hunter2-secret');
    expect(e.message).not.toContain('eighty');
  });
});
