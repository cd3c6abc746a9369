// The explicit migrate step: `npm run up` and the compose stack run it before the service starts.
import { runMigrationsCli } from '@pos-tripletex/platform';
import { createDataSource } from './database/setup';

void runMigrationsCli('onboarding', () => createDataSource());
