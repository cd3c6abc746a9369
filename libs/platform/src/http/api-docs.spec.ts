import {
  Body,
  Controller,
  Get,
  INestApplication,
  Module,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiProperty } from '@nestjs/swagger';
import Ajv from 'ajv';
import { IsInt, Min } from 'class-validator';
import request from 'supertest';
import { apiDocument } from '../bootstrap/bootstrap';
import { AppError } from '../errors/app-error';
import { API_ERRORS } from './api-docs';
import { AppErrorFilter, requestValidationPipe } from './app-error.filter';

// The documents' ErrorBody schema against what AppErrorFilter really answers: every kind of
// failure a route can have, over HTTP, validated against the schema of the app's own document –
// and every example the documents show.

class ThingDto {
  @ApiProperty()
  @Min(1)
  @IsInt()
  count!: number;
}

@Controller('v1/things')
class ThingsController {
  @Post()
  create(@Body() body: ThingDto): ThingDto {
    return body;
  }

  @Get('refused')
  refused(): never {
    throw new AppError('THINGS.REFUSED', 'No things today.', {
      details: { problems: [{ step: 'things', code: 'NONE', message: 'None left.' }] },
    });
  }

  @Get('unavailable')
  unavailable(): never {
    throw new AppError('THINGS.UNAVAILABLE', 'Try again in a minute.', { retriable: true });
  }

  @Get('missing')
  missing(): never {
    throw new NotFoundException('No such thing.');
  }

  @Get('broken')
  broken(): never {
    throw new Error('a bug with internals');
  }

  @Get(':id')
  one(@Param('id', ParseIntPipe) id: number): ThingDto {
    return { count: id };
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

describe('the ErrorBody schema', () => {
  let app: INestApplication;
  let validate: (body: unknown) => string[];

  beforeAll(async () => {
    app = await NestFactory.create(ThingsModule, { logger: false });
    app.useGlobalPipes(requestValidationPipe());
    app.useGlobalFilters(new AppErrorFilter());
    await app.init();
    const schemas = apiDocument(app, 'things', 'Things.').components?.schemas ?? {};
    const ajv = new Ajv({ strict: false, allErrors: true });
    // OpenAPI 3.0 component references, as JSON Schema ids.
    for (const [name, schema] of Object.entries(schemas))
      ajv.addSchema(
        JSON.parse(
          JSON.stringify(schema).replace(/#\/components\/schemas\//g, 'urn:schemas:'),
        ) as object,
        `urn:schemas:${name}`,
      );
    const errorBody = ajv.getSchema('urn:schemas:ErrorBody');
    if (!errorBody) throw new Error('the document has no ErrorBody schema');
    // Closed, so a field the filter adds and the schema omits fails.
    const closed = ajv.compile({
      allOf: [{ $ref: 'urn:schemas:ErrorBody' }],
      properties: Object.fromEntries(
        Object.keys((schemas.ErrorBody as { properties: object }).properties).map((key) => [
          key,
          true,
        ]),
      ),
      additionalProperties: false,
    });
    validate = (body) =>
      closed(body) ? [] : (closed.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  });
  afterAll(() => app.close());

  it.each([
    ['an invalid body', 'post', '/v1/things', 400, 'VALIDATION_FAILED'],
    ['a final refusal with details', 'get', '/v1/things/refused', 422, 'THINGS.REFUSED'],
    ['a retriable failure', 'get', '/v1/things/unavailable', 503, 'THINGS.UNAVAILABLE'],
    ["the framework's own exception", 'get', '/v1/things/missing', 404, 'HTTP_404'],
    ['a path param that is no number', 'get', '/v1/things/abc', 400, 'HTTP_400'],
    ['a bug', 'get', '/v1/things/broken', 500, 'INTERNAL'],
  ] as const)('describes %s exactly', async (_what, method, path, status, code) => {
    const answer = await request(app.getHttpServer())
      [method](path)
      .send(method === 'post' ? { count: 0, extra: true } : undefined);
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ statusCode: status, code });
    expect(validate(answer.body)).toEqual([]);
  });

  it('lists each invalid field of a 400 in `errors`', async () => {
    const answer = await request(app.getHttpServer()).post('/v1/things').send({ count: 0 });
    expect(answer.body).toMatchObject({
      errors: [{ field: 'count', messages: ['count must not be less than 1'] }],
    });
  });

  it('fits every example the documents show', () => {
    for (const [status, doc] of Object.entries(API_ERRORS)) {
      expect([status, validate(doc.example)]).toEqual([status, []]);
      expect(doc.example.statusCode).toBe(Number(status));
    }
  });

  it('catches a body that is not the schema (the check can fail)', () => {
    expect(validate({ statusCode: 400, code: 'X', message: 'm', extra: 1 })).not.toEqual([]);
    expect(validate({ statusCode: 400, message: 'm' })).not.toEqual([]);
  });
});
