import { join } from 'node:path';
import { describeServiceBasics } from '@pos-tripletex/testing';
import { startForTest } from '../src/bootstrap';

describeServiceBasics({
  name: 'tripletex-sandbox',
  mainJs: join(__dirname, '../dist/main.js'),
  start: startForTest,
});
