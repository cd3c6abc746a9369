import { describeOpenApi } from '@pos-tripletex/testing';
import { join } from 'node:path';
import { openApiDocument } from './bootstrap';

describeOpenApi(join(__dirname, '..'), openApiDocument);
