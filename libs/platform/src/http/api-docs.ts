import { applyDecorators, Controller, HttpStatus, Type, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiParam,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiSchema,
  ApiTags,
} from '@nestjs/swagger';
import { BackOfficeAuthGuard } from '../security/backoffice-auth';

// What the OpenAPI documents say of every BackOffice route: the bearer token, and the one error
// body AppErrorFilter answers with (app-error.filter.ts), as a schema component (`ErrorBody`).

/** The security scheme of BackOffice routes in the OpenAPI documents. */
export const BACKOFFICE_AUTH = 'backOffice';

/** One invalid field of a 400 VALIDATION_FAILED (`errors`). */
@ApiSchema({ name: 'FieldError' })
export class FieldErrorDto {
  @ApiProperty({
    example: 'paymentMethods[0].accountId',
    description: 'The field, as a path into the body or query (`a.b[2].c`).',
  })
  field!: string;

  @ApiProperty({
    type: [String],
    example: ['accountId must not be less than 1'],
    description: 'What is wrong with it, one sentence each.',
  })
  messages!: string[];
}

/**
 * The body of every error answer (AppErrorFilter): `code` is stable and machine-readable,
 * `message` is for people, `errors` lists invalid fields (400), `details` carries what a code
 * documents (e.g. `problems` of ONBOARDING.INCOMPLETE).
 */
@ApiSchema({ name: 'ErrorBody' })
export class ErrorBodyDto {
  @ApiProperty({ example: 422, description: 'The HTTP status, repeated.' })
  statusCode!: number;

  @ApiProperty({
    example: 'ONBOARDING.TOKEN_INVALID',
    description:
      'Stable code: VALIDATION_FAILED (400), AUTH.* (401/403), `<SERVICE>.<REASON>` of the service, HTTP_<status> for framework answers (e.g. 404 of an unknown path), INTERNAL (500).',
  })
  code!: string;

  @ApiProperty({
    example: 'Tripletex does not accept this employee token.',
    description: 'What went wrong, in plain words (safe to show to the operator).',
  })
  message!: string;

  @ApiPropertyOptional({
    type: [FieldErrorDto],
    description: 'One entry per invalid field (400 VALIDATION_FAILED only).',
  })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Machine-readable particulars the code documents, e.g. `problems` (step, posId, code, message).',
  })
  details?: Record<string, unknown>;

  @ApiPropertyOptional({
    example: '0f8e4c1e-3b7a-4d57-9a52-3c1b2f6d8e90',
    description: 'The request id (also in the logs and the `x-request-id` header).',
  })
  requestId?: string;
}

interface ErrorDoc {
  description: string;
  example: Omit<ErrorBodyDto, 'requestId'>;
}

/** What each error status means on a BackOffice route, with an example body. */
export const API_ERRORS = {
  [HttpStatus.BAD_REQUEST]: {
    description:
      'VALIDATION_FAILED: the path, query or body is invalid; `errors` names each field and what is wrong.',
    example: {
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: 'The request is invalid',
      errors: [{ field: 'startDate', messages: ['startDate must be a date YYYY-MM-DD'] }],
    },
  },
  [HttpStatus.UNAUTHORIZED]: {
    description:
      'AUTH.MISSING_TOKEN, AUTH.INVALID_TOKEN, AUTH.TOKEN_EXPIRED (sign in again) or AUTH.NO_COMPANY; on changes also AUTH.NO_SUBJECT (a token without `sub` cannot change anything).',
    example: {
      statusCode: 401,
      code: 'AUTH.TOKEN_EXPIRED',
      message: 'Your session has expired: sign in again.',
    },
  },
  [HttpStatus.FORBIDDEN]: {
    description: 'AUTH.OTHER_COMPANY: the token is for another company than the path names.',
    example: {
      statusCode: 403,
      code: 'AUTH.OTHER_COMPANY',
      message: 'This token is for another company.',
    },
  },
  [HttpStatus.NOT_FOUND]: {
    description: 'Nothing of that id for the company (`<SERVICE>.NOT_FOUND`).',
    example: {
      statusCode: 404,
      code: 'INVOICING.NOT_FOUND',
      message:
        'No checkout 4f1c9a2e-0d3b-4c55-9f0e-7b8a6c5d4e3f charged by invoice is known for this company.',
    },
  },
  [HttpStatus.CONFLICT]: {
    description: 'The request does not fit the current state (the code says which).',
    example: {
      statusCode: 409,
      code: 'INVOICING.NOT_RETRYABLE',
      message:
        'Checkout 4f1c9a2e-0d3b-4c55-9f0e-7b8a6c5d4e3f is INVOICED: only a failed or waiting request can be retried.',
    },
  },
  [HttpStatus.UNPROCESSABLE_ENTITY]: {
    description:
      'A final business refusal: the code says why, `details` what to fix (e.g. `problems`); retrying the same request will not help.',
    example: {
      statusCode: 422,
      code: 'ONBOARDING.INCOMPLETE',
      message:
        'The integration cannot be activated yet: Account 1000123 does not exist in Tripletex.',
      details: {
        problems: [
          {
            step: 'payment-methods',
            posId: 'card',
            code: 'ACCOUNT_UNKNOWN',
            message: 'Account 1000123 does not exist in Tripletex.',
          },
        ],
      },
    },
  },
  [HttpStatus.INTERNAL_SERVER_ERROR]: {
    description: 'INTERNAL: a fault on our side; it is logged under the request id.',
    example: {
      statusCode: 500,
      code: 'INTERNAL',
      message: 'Something went wrong on our side; it has been logged.',
    },
  },
  [HttpStatus.SERVICE_UNAVAILABLE]: {
    description:
      'A retriable failure (Tripletex or the database unavailable): the same request may succeed later.',
    example: {
      statusCode: 503,
      code: 'ONBOARDING.TRIPLETEX_UNAVAILABLE',
      message: 'Tripletex is not answering right now. Please try again in a minute.',
    },
  },
} satisfies Record<number, ErrorDoc>;

export type ApiErrorStatus = keyof typeof API_ERRORS;

/**
 * Documents the error answers a route (or every route of a controller) can give, each with the
 * `ErrorBody` schema and an example. `description` overrides the generic one (say which codes).
 */
export function ApiErrors(
  ...statuses: (ApiErrorStatus | { status: ApiErrorStatus; description: string })[]
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((entry) => {
      const status = typeof entry === 'number' ? entry : entry.status;
      const doc: ErrorDoc = API_ERRORS[status];
      return ApiResponse({
        status,
        description: typeof entry === 'number' ? doc.description : entry.description,
        type: ErrorBodyDto,
        example: doc.example,
      });
    }),
  );
}

/**
 * A controller of the BackOffice API under `v1/companies/:companyId/…`: every route needs a
 * BackOffice JWT for the company in the path (BackOfficeAuthGuard), and the documents say so, with
 * the 401/403/500 answers every such route can give.
 */
export function BackOfficeApi(options: { tag: string; path: string }): ClassDecorator {
  return applyDecorators(
    ApiTags(options.tag),
    ApiBearerAuth(BACKOFFICE_AUTH),
    ApiParam({
      name: 'companyId',
      description: 'The BackOffice company; must match the JWT.',
      example: 'acme-42',
    }),
    ApiErrors(HttpStatus.UNAUTHORIZED, HttpStatus.FORBIDDEN, HttpStatus.INTERNAL_SERVER_ERROR),
    UseGuards(BackOfficeAuthGuard),
    Controller(options.path),
  );
}

/** A page of a list, as every BackOffice list (and Tripletex) pages: `from` and `count`. */
export interface Page<T> {
  total: number;
  from: number;
  count: number;
  values: T[];
}

/**
 * The documented page of `item`s (`{ total, from, count, values }`): extend it and name the
 * schema, `@ApiSchema({ name: 'DayPage' }) class DayPageDto extends PageOf(DayDto) {}`.
 */
export function PageOf<T>(item: Type<T>): Type<Page<T>> {
  class PageDto implements Page<T> {
    @ApiProperty({ type: 'integer', example: 1, description: 'How many match in all.' })
    total!: number;

    @ApiProperty({ type: 'integer', example: 0, description: 'How many were skipped (offset).' })
    from!: number;

    @ApiProperty({ type: 'integer', example: 1, description: 'How many `values` this page holds.' })
    count!: number;

    @ApiProperty({ type: [item] })
    values!: T[];
  }
  return PageDto;
}
