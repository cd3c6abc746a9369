import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppError } from '../errors/app-error';

/** Body of every error the HTTP APIs answer with. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  /** One entry per invalid field (400 only). */
  errors?: { field: string; messages: string[] }[];
  details?: Record<string, unknown>;
  requestId?: string;
}

function fieldErrors(
  errors: ValidationError[],
  parent = '',
): { field: string; messages: string[] }[] {
  return errors.flatMap((e) => {
    const field = /^\d+$/.test(e.property)
      ? `${parent}[${e.property}]`
      : parent
        ? `${parent}.${e.property}`
        : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...fieldErrors(e.children ?? [], field)];
  });
}

/** Rejected request bodies/queries become 400 with a message per field. */
export class RequestValidationError extends BadRequestException {
  constructor(readonly fields: { field: string; messages: string[] }[]) {
    super('The request is invalid');
  }
}

export function requestValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationError(fieldErrors(errors)),
  });
}

/**
 * The one place HTTP errors are shaped: AppError codes map to statuses (final → 422 unless the
 * error says otherwise, retriable → 503), HttpExceptions keep theirs, anything else is a 500
 * that is logged with its stack and answered without internals.
 */
@Catch()
export class AppErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const res = http.getResponse<Response>();
    const req = http.getRequest<Request & { id?: string }>();
    const body = this.toBody(exception);
    body.requestId = typeof req.id === 'string' ? req.id : undefined;
    if (body.statusCode >= 500) {
      this.logger.error(
        { err: exception, requestId: body.requestId, path: req.url },
        `${req.method} ${req.url} failed: ${body.code}`,
      );
    }
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof RequestValidationError) {
      return {
        statusCode: HttpStatus.BAD_REQUEST,
        code: 'VALIDATION_FAILED',
        message: 'The request is invalid',
        errors: exception.fields,
      };
    }
    if (exception instanceof AppError) {
      return {
        statusCode:
          exception.httpStatus ??
          (exception.retriable ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.UNPROCESSABLE_ENTITY),
        code: exception.code,
        message: exception.message,
        details: exception.details,
      };
    }
    if (exception instanceof HttpException) {
      const response = exception.getResponse();
      const given =
        typeof response === 'string' ? response : (response as { message?: unknown }).message;
      const message = Array.isArray(given)
        ? given.map(String).join('; ')
        : typeof given === 'string'
          ? given
          : exception.message;
      return { statusCode: exception.getStatus(), code: `HTTP_${exception.getStatus()}`, message };
    }
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      code: 'INTERNAL',
      message: 'Something went wrong on our side; it has been logged.',
    };
  }
}
