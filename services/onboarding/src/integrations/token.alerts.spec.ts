import { tokenProblemAlerts, tokenWorksAlerts } from './token.alerts';

const summary = (alerts: ReturnType<typeof tokenWorksAlerts>) =>
  alerts.map((a) => `${a.state} ${a.kind} ${a.alertKey}`);

describe('token alerts', () => {
  it('opens TOKEN_REFUSED with how to get going again and Tripletex’s reason, and resolves the other kind', () => {
    const alerts = tokenProblemAlerts(
      'rest-1',
      { kind: 'TOKEN_REFUSED', code: 'ONBOARDING.TOKEN_INVALID' },
      'Tripletex did not accept the token.',
    );
    expect(summary(alerts)).toEqual([
      'OPEN TOKEN_REFUSED token-refused',
      'RESOLVED TOKEN_MISSING_RIGHTS token-missing-rights',
    ]);
    expect(alerts[0]).toMatchObject({
      severity: 'CRITICAL',
      message:
        'Nothing reaches Tripletex (no day is posted, no invoice made) until a working token is ' +
        "stored in the integration's token step (POST /v1/companies/rest-1/tripletex/token). " +
        'Tripletex did not accept the token.',
      details: { code: 'ONBOARDING.TOKEN_INVALID' },
    });
  });

  it('opens TOKEN_MISSING_RIGHTS naming what is missing and how to check again', () => {
    const alerts = tokenProblemAlerts(
      'rest-1',
      { kind: 'TOKEN_MISSING_RIGHTS', code: 'ONBOARDING.MISSING_ENTITLEMENT' },
      'The employee lacks "Invoicing".',
    );
    expect(summary(alerts)).toEqual([
      'OPEN TOKEN_MISSING_RIGHTS token-missing-rights',
      'RESOLVED TOKEN_REFUSED token-refused',
    ]);
    expect(alerts[0].message).toMatch(
      /^The employee lacks "Invoicing"\. Fix it in Tripletex .* \(POST \/v1\/companies\/rest-1\/tripletex\/reverify\)\.$/,
    );
  });

  it('resolves both once the token works', () => {
    expect(summary(tokenWorksAlerts('rest-1', 'A new token is stored.'))).toEqual([
      'RESOLVED TOKEN_REFUSED token-refused',
      'RESOLVED TOKEN_MISSING_RIGHTS token-missing-rights',
    ]);
  });
});
