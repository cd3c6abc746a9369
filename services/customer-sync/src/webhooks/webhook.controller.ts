import { Controller, Headers, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { WEBHOOK_AUTH_HEADER } from './webhook-delivery';
import { WebhookOutcome, WebhookService } from './webhook.service';

/**
 * Tripletex's webhook target (no JWT: the subscription's secret header and HMAC signature, checked
 * by WebhookService over the raw body).
 */
@ApiExcludeController()
@Controller('v1/webhooks/tripletex')
export class WebhookController {
  constructor(private readonly webhooks: WebhookService) {}

  @Post(':companyId')
  @HttpCode(200)
  receive(
    @Param('companyId') companyId: string,
    @Req() req: Request & { rawBody?: Buffer },
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('x-request-signature') signature: string | undefined,
    @Headers(WEBHOOK_AUTH_HEADER) secret: string | undefined,
  ): Promise<WebhookOutcome> {
    return this.webhooks.receive({
      companyId,
      rawBody: req.rawBody?.toString('utf8') ?? '',
      body: req.body as unknown,
      idempotencyKey,
      signature,
      secret,
    });
  }
}
