// For the TypeORM CLI (migration:generate / migration:revert): exactly one exported DataSource.
import { createDataSource } from './setup';

export const dataSource = createDataSource();
