import { MediumTest, SandboxCompany, testOperator } from '@pos-tripletex/testing';
import { LookupsService } from '../../src/lookups/lookups.service';
import { InvoicingStep } from '../../src/wizard/invoicing.step';
import { MappingsStep } from '../../src/wizard/mappings.step';
import { StartDateStep } from '../../src/wizard/start-date.step';
import { TokenStep } from '../../src/wizard/token.step';
import { accountIds, CARD_CLEARING, wizardAnswers } from './wizard-answers';

/** Steps 1–7 for a company through the services (a medium test's BackOffice). */
export async function completeWizard(
  medium: MediumTest,
  companyId: string,
  tripletex: SandboxCompany,
  invoicing = true,
): Promise<Record<number, number>> {
  await medium.get(TokenStep).verify(companyId, tripletex.employeeToken, testOperator);
  await medium.get(LookupsService).createAccount(companyId, CARD_CLEARING);
  const ids = await accountIds(medium.sandbox, tripletex);
  const answers = wizardAnswers(ids, invoicing);
  const mappings = medium.get(MappingsStep);
  await medium.get(StartDateStep).save(companyId, answers.startDate, testOperator);
  await mappings.savePaymentMethods(companyId, answers.paymentMethods, testOperator);
  await mappings.saveProductGroups(companyId, false, answers.productGroups, testOperator);
  await mappings.saveProductGroups(companyId, true, answers.productGroupsTakeaway, testOperator);
  await mappings.saveOtherEvents(companyId, answers.otherEvents, testOperator);
  await medium.get(InvoicingStep).save(companyId, answers.invoicing, testOperator);
  return ids;
}

/** The events the company's transitions put into the outbox, oldest first, by topic. */
export async function published(
  medium: MediumTest,
  companyId: string,
  topic: string,
): Promise<any[]> {
  const rows = await medium.schema.query<{ value: string }>(
    'SELECT value FROM outbox_messages WHERE key = $1 AND topic = $2 ORDER BY id',
    [companyId, topic],
  );
  return rows.map((row) => JSON.parse(row.value));
}
