import { join } from 'node:path';
import { deadLetterTopic, Topics } from '@pos-tripletex/contracts';
import { describeServiceBasics, testSecrets } from '@pos-tripletex/testing';
import { startForTest } from '../src/bootstrap';
import { createDataSource } from '../src/database/setup';

describeServiceBasics({
  name: 'customer-sync',
  mainJs: join(__dirname, '../dist/main.js'),
  start: startForTest,
  apiDocs: true,
  env: testSecrets().env,
  infrastructure: {
    createDataSource,
    topics: [
      Topics.IntegrationConfigV1,
      deadLetterTopic(Topics.IntegrationConfigV1),
      Topics.CustomersChangedV1,
      Topics.TripletexAuthFailedV1,
    ],
  },
});
