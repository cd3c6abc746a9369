import { Controller, Get, HttpStatus, Logger, Res } from '@nestjs/common';
import {
  ApiExcludeController,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { describeError } from '../errors/app-error';
import { ReadinessService } from './readiness.service';

const statusSchema = (status: string) => ({
  schema: { type: 'object', properties: { status: { type: 'string', example: status } } },
});

/**
 * GET /health and GET /ready on the public port: a status and nothing else – no dependency
 * names, versions, messages, hosts or lags. The details are on the admin listener.
 */
@Controller()
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(private readonly readiness: ReadinessService) {}

  /** Liveness: the process is up and its event loop answers. Checks nothing external. */
  @Get('health')
  @ApiOperation({ summary: 'Liveness: the process answers (checks nothing external).' })
  @ApiOkResponse({ description: 'The process answers.', ...statusSchema('ok') })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: every registered dependency answers (200), or not (503). */
  @Get('ready')
  @ApiOperation({
    summary: 'Readiness: database, Kafka and consumers answer (a bare status; details on admin).',
  })
  @ApiOkResponse({ description: 'Every dependency answers.', ...statusSchema('ok') })
  @ApiServiceUnavailableResponse({
    description: 'A dependency does not answer (details on the admin listener).',
    ...statusSchema('unavailable'),
  })
  async ready(@Res({ passthrough: true }) res: Response): Promise<{ status: string }> {
    let ready = false;
    try {
      ({ ready } = await this.readiness.report());
    } catch (error) {
      // A bug in a check: not ready, and the reason goes to the log, not to the caller.
      this.logger.error({ err: error }, `readiness failed: ${describeError(error)}`);
    }
    if (ready) return { status: 'ok' };
    res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return { status: 'unavailable' };
  }
}

/**
 * GET /health and GET /ready on the admin listener: /ready with terminus's body (which dependency
 * is down and why, each check's details), not the generic error envelope that would hide it.
 */
@ApiExcludeController()
@Controller()
export class AdminHealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('health')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const { ready, body } = await this.readiness.report();
    if (!ready) res.status(HttpStatus.SERVICE_UNAVAILABLE);
    return body;
  }
}
