/** A business day at a location of a company: the identity of the day aggregate. */
export interface DayKey {
  companyId: string;
  locationId: string;
  businessDay: string;
}
