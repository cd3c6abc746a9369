const { NestFactory } = require('@nestjs/core');
(async () => {
  process.env.LOG_LEVEL='silent';
  const { AppModule } = require('/work/wt/openapi/services/onboarding/dist/app.module');
  const { apiDocument } = require('@pos-tripletex/platform');
  const app = await NestFactory.create(AppModule, { preview: true, logger: false, abortOnError: false });
  const doc = apiDocument(app, 't', 'd');
  console.log(JSON.stringify(doc).length, Object.keys(doc.paths));
  await app.close().catch(e=>console.log('close', e.message));
})().catch(e => { console.error('ERR', e); process.exit(1); });
