import { Client } from 'pg';
import { testInfra, uniqueName } from '../env';

/**
 * A fresh schema per suite in the test database: suites never see each other's rows and can
 * run in parallel. `drop()` removes it with everything in it.
 */
export class TestSchema {
  private constructor(
    readonly name: string,
    readonly databaseUrl: string,
  ) {}

  static async create(prefix = 'test'): Promise<TestSchema> {
    const { databaseUrl } = testInfra();
    const schema = new TestSchema(uniqueName(prefix), databaseUrl);
    await schema.exec(`CREATE SCHEMA "${schema.name}"`);
    return schema;
  }

  /** Runs SQL on a short-lived connection whose search_path is this schema. */
  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({
      connectionString: this.databaseUrl,
      options: `-c search_path=${this.name}`,
    });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async drop(): Promise<void> {
    await this.exec(`DROP SCHEMA IF EXISTS "${this.name}" CASCADE`);
  }

  private async exec(sql: string): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}
