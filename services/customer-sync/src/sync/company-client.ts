import { CompanyClients, TripletexCompanyClient } from '@pos-tripletex/tripletex';
import { CustomerSyncErrors } from '../customer-sync.errors';
import { SyncStateEntity } from './entities/sync-state.entity';

/** The company's Tripletex client, from the sealed token its sync state keeps. */
export function companyClient(
  clients: CompanyClients,
  state: Pick<SyncStateEntity, 'companyId' | 'tokenKeyId' | 'tokenCiphertext'>,
): TripletexCompanyClient {
  return clients.forCompany(
    state.companyId,
    { keyId: state.tokenKeyId ?? undefined, value: state.tokenCiphertext ?? undefined },
    () => CustomerSyncErrors.noToken(state.companyId),
  );
}
