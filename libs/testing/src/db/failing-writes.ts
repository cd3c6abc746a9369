import { uniqueName } from '../env';
import type { TestSchema } from './test-database';

/**
 * Makes every transaction that writes (inserts or updates) a row of `table` for `companyId` fail
 * until the returned function is called: at the write itself (`'write'`), or at commit, after
 * every statement of the transaction ran (`'commit'`: a deferred constraint trigger). For tests
 * that a change and what is written with it commit or roll back together.
 */
export async function failWrites(
  schema: TestSchema,
  table: string,
  companyId: string,
  at: 'write' | 'commit',
): Promise<() => Promise<void>> {
  const name = uniqueName('fail').replace(/[^a-z0-9_]/gi, '_');
  const fn = `"${schema.name}"."${name}"`;
  await schema.query(
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN RAISE EXCEPTION 'test: writes to % are refused', TG_TABLE_NAME; END $$`,
  );
  const literal = `'${companyId.replace(/'/g, "''")}'`;
  await schema.query(
    at === 'commit'
      ? `CREATE CONSTRAINT TRIGGER "${name}" AFTER INSERT OR UPDATE ON "${table}"
         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
         WHEN (NEW.company_id = ${literal}) EXECUTE FUNCTION ${fn}()`
      : `CREATE TRIGGER "${name}" BEFORE INSERT OR UPDATE ON "${table}"
         FOR EACH ROW WHEN (NEW.company_id = ${literal}) EXECUTE FUNCTION ${fn}()`,
  );
  return async () => {
    await schema.query(`DROP TRIGGER "${name}" ON "${table}"`);
    await schema.query(`DROP FUNCTION ${fn}()`);
  };
}
