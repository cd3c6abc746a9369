import { INTEGRATION_STATUSES } from '@pos-tripletex/contracts';
import { IntegrationStatuses, isLive, publishedStatus } from './integration-status';

describe('IntegrationStatuses', () => {
  it('are the wire statuses of integration.config.v1 plus the unpublished draft', () => {
    expect(Object.values(IntegrationStatuses).sort()).toEqual(
      [...INTEGRATION_STATUSES, 'ONBOARDING'].sort(),
    );
  });

  it('publish a draft as INACTIVE and every other status as it is', () => {
    expect(publishedStatus(IntegrationStatuses.ONBOARDING)).toBe('INACTIVE');
    for (const status of INTEGRATION_STATUSES) expect(publishedStatus(status)).toBe(status);
  });

  it('count an integration as live once finished and until deactivated', () => {
    expect(Object.values(IntegrationStatuses).filter(isLive)).toEqual([
      'ACTIVE',
      'NEEDS_ATTENTION',
    ]);
  });
});
