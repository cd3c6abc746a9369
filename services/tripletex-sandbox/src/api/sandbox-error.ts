/** Tripletex's validation message shape (real responses add `path` and `rootId`, null). */
export interface TlxValidationMessage {
  field: string | null;
  message: string;
  path: null;
  rootId: null;
}

/** A failure the sandbox answers the way Tripletex does (status, code, message, validation messages). */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly validationMessages: TlxValidationMessage[] | null = null,
    readonly developerMessage: string | null = null,
  ) {
    super(message);
  }

  static validation(
    messages: { field: string | null; message: string }[],
    code = 15000,
  ): SandboxError {
    return new SandboxError(
      422,
      code,
      'Validering feilet.',
      messages.map((m) => ({ field: m.field, message: m.message, path: null, rootId: null })),
    );
  }

  static unauthorized(): SandboxError {
    return new SandboxError(
      401,
      3000,
      'Unauthorized',
      null,
      'Could not log in. Check login info in Authorization header.',
    );
  }

  static forbidden(): SandboxError {
    return new SandboxError(403, 9000, 'You do not have permission to access this feature.');
  }

  static notFound(): SandboxError {
    return new SandboxError(404, 6000, 'Object not found');
  }
}

/** Tripletex's own Norwegian texts, as observed (shared/tripletex/FACTS.md). */
export const Texts = {
  notNull: 'Kan ikke være null.',
  unknownField: 'Feltet eksisterer ikke i objektet.',
  wrongType: 'Verdien er ikke av korrekt type for dette feltet.',
  emptyList: 'Listen kan ikke være tom.',
  noBankAccount: 'Faktura kan ikke opprettes før selskapet har registrert et bankkontonummer.',
  rowZero:
    'Posteringene på rad 0 (guiRow 0) er systemgenererte og kan ikke opprettes eller endres på utsiden av Tripletex.',
  noPostings: 'Et bilag kan ikke registreres uten posteringer.',
  unbalanced: (date: string) => `Summen av posteringene for ${date} er ikke lik 0.`,
  grossCurrency: 'Beløp (amountGross) må være det samme som valutabeløpet (amountGrossCurrency).',
  customerMissing: 'Kunde mangler.',
  supplierMissing: 'Leverandør mangler.',
  vatLocked: (account: string, code: string) => `Kontoen ${account} er låst til mva-kode ${code}.`,
  invalidVat: 'Ugyldig mva-kode.',
  orderLineDescription: 'Det må registreres en beskrivelse eller et produkt.',
  noOrderLines: 'Fakturaen inneholder ingen ordrelinjer.',
  overCredited:
    'Hele eller deler av fakturaen er kreditert. Summen av kreditnotaene kan ikke være høyere enn fakturabeløpet.',
  consumerToken: 'The consumer token is invalid or does not exist.',
  employeeToken: 'The employee token is invalid or does not exist.',
  // Not seen in a log (assumptions, listed in the sandbox README): the texts of a closed period,
  // of deleting a posted voucher, of reversing one not posted, of a missing department.
  periodClosed: (date: string) => `Regnskapsperioden for ${date} er lukket.`,
  deletePosted: 'Bilaget er bokført og kan ikke slettes. Reverser bilaget i stedet.',
  reverseNonPosted: 'Bilaget er ikke bokført og kan ikke reverseres.',
  departmentMissing: (account: string) => `Kontoen ${account} krever avdeling.`,
  projectMissing: (account: string) => `Kontoen ${account} krever prosjekt.`,
  ehfNeedsOrganizationNumber: 'Kunden må ha organisasjonsnummer for å motta EHF-faktura.',
  ehfNeedsAddress: 'Kunden må ha postadresse for å motta EHF-faktura.',
  emailNeedsAddress: 'Kunden mangler e-postadresse for faktura.',
  productNumberTaken: (number: string) => `Produktnummeret ${number} er i bruk.`,
  productVatLocked: (account: string, code: string) =>
    `Kontoen ${account} er låst til mva-kode ${code} og kan ikke brukes med produktets mva-kode.`,
  vatNotLegal: (account: string, code: string) =>
    `Kontoen ${account} kan ikke benyttes med mva-kode ${code}.`,
} as const;
