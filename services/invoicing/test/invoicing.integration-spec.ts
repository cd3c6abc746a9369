import { join } from 'node:path';
import { deadLetterTopic, Topics } from '@pos-tripletex/contracts';
import { describeServiceBasics, testSecrets } from '@pos-tripletex/testing';
import { startForTest } from '../src/bootstrap';
import { createDataSource } from '../src/database/setup';

describeServiceBasics({
  name: 'invoicing',
  mainJs: join(__dirname, '../dist/main.js'),
  start: startForTest,
  apiDocs: true,
  env: testSecrets().env,
  infrastructure: {
    createDataSource,
    topics: [
      Topics.CheckoutCompletedV1,
      deadLetterTopic(Topics.CheckoutCompletedV1),
      Topics.IntegrationConfigV1,
      Topics.InvoiceStatusV1,
      Topics.TripletexAuthFailedV1,
    ],
  },
});
