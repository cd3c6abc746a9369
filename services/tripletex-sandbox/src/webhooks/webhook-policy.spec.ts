import { loadEnv } from '@pos-tripletex/platform';
import { TripletexSandboxEnv } from '../config/env.schema';
import { hostList, targetUrlProblem } from './webhook-policy';

describe(targetUrlProblem.name, () => {
  it('accepts an absolute https target, with or without basic-auth userinfo', () => {
    expect(targetUrlProblem('https://pos.example/v1/webhooks/tripletex/c1', [])).toBeUndefined();
    expect(targetUrlProblem('https://user:pass@pos.example/hook', [])).toBeUndefined();
  });

  it('refuses plain http as Tripletex does, even for localhost, when no host is allowed', () => {
    for (const url of ['http://127.0.0.1:3003/hook', 'http://localhost/hook', 'http://pos.example'])
      expect(targetUrlProblem(url, [])).toBe('URL-en må bruke https.');
  });

  it('accepts plain http only for the hosts the operator allowed', () => {
    const allowed = hostList('127.0.0.1, LOCALHOST');
    expect(targetUrlProblem('http://127.0.0.1:3003/hook', allowed)).toBeUndefined();
    expect(targetUrlProblem('http://localhost:9/hook', allowed)).toBeUndefined();
    expect(targetUrlProblem('http://pos.example/hook', allowed)).toBe('URL-en må bruke https.');
  });

  it('refuses what is not an absolute URL, and other schemes', () => {
    for (const url of ['pos.example/hook', '/hook', '', 42, undefined])
      expect(targetUrlProblem(url, ['pos.example'])).toBe('Ugyldig URL.');
    expect(targetUrlProblem('ftp://pos.example/hook', ['pos.example'])).toBe(
      'URL-en må bruke https.',
    );
  });

  it('is strict by default: the environment allows no http host unless told to', () => {
    const env = loadEnv(TripletexSandboxEnv, 'tripletex-sandbox', {});
    expect(env.SANDBOX_WEBHOOK_ALLOW_HTTP_HOSTS).toBe('');
    expect(
      targetUrlProblem('http://127.0.0.1/hook', hostList(env.SANDBOX_WEBHOOK_ALLOW_HTTP_HOSTS)),
    ).toBe('URL-en må bruke https.');
  });
});
