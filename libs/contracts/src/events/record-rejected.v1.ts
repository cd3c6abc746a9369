import { createHash } from 'node:crypto';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Problem } from '../parsing/problem';
import { ID64, IsIsoDay, IsRfc3339WithOffset, IsSafeInteger, isIsoDay } from './validators';

/** Most problems a rejection event lists (the dead-letter record keeps them all). */
export const REJECTION_MAX_PROBLEMS = 100;

export class RejectionProblemV1 {
  /** JSON path of the offending field (`lines[0].totalGross`); empty for the record as a whole. */
  @MaxLength(500)
  @IsString()
  path!: string;

  @MaxLength(100)
  @IsString()
  code!: string;

  @MaxLength(1000)
  @IsString()
  message!: string;
}

/**
 * integration.record-rejected.v1 (key = companyId when one could be read): a record a POS
 * published was refused and dead-lettered, and why. Published by the service that owns the intake
 * of the topic (sales-export for pos.checkout.completed.v1 and pos.day.closed.v1), and by invoicing
 * for a checkout only it refuses. One per rejected record and refusing service; `eventId` is
 * derived from the record's position, so a repeated rejection of the same record repeats the id.
 */
export class RecordRejectedV1 {
  @IsUUID('all')
  eventId!: string;

  @IsIn([1])
  schemaVersion!: 1;

  /** The company the record named, when it could be read (absent for unreadable records). */
  @Matches(ID64)
  @IsString()
  @IsOptional()
  companyId?: string;

  /** The service that refused it. */
  @Matches(ID64)
  @IsString()
  rejectedBy!: string;

  /** Where the record was: its topic, partition and offset (the dead-letter record names them too). */
  @MaxLength(255)
  @IsString()
  topic!: string;

  @Min(0)
  @IsSafeInteger()
  partition!: number;

  @Matches(/^\d{1,20}$/)
  @IsString()
  offset!: string;

  /** The eventId the record carried, when it had a readable one. */
  @IsUUID('all')
  @IsOptional()
  rejectedEventId?: string;

  @Matches(ID64)
  @IsString()
  @IsOptional()
  locationId?: string;

  @Matches(/^[^\p{Cc}\p{Cs}]{1,32}$/u)
  @IsString()
  @IsOptional()
  receiptNumber?: string;

  /** For a Z-report: the business day it closed. */
  @IsIsoDay()
  @IsOptional()
  businessDay?: string;

  /** CONTRACT_VIOLATION, DATABASE_REFUSED, RETRIES_EXHAUSTED or a service's own code. */
  @MaxLength(100)
  @IsString()
  code!: string;

  @MaxLength(1000)
  @IsString()
  message!: string;

  /** Every problem found (up to 100), each with its JSON path. */
  @ValidateNested({ each: true })
  @ArrayMaxSize(REJECTION_MAX_PROBLEMS)
  @IsArray()
  @Type(() => RejectionProblemV1)
  problems!: RejectionProblemV1[];

  @IsRfc3339WithOffset()
  rejectedAt!: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PRINTABLE_1_32 = /^[^\p{Cc}\p{Cs}]{1,32}$/u;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A UUID made from a name (version 5 layout over SHA-1): the same record gives the same id. */
function nameBasedUuid(name: string): string {
  const hash = createHash('sha1').update(name).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The identifiers a POS needs to match a rejection to its record, read best-effort from the raw
 * bytes: only top-level fields, only values of the contract's shape (a hostile value is left out,
 * never echoed), and the record's key as the company when the value does not name one.
 */
function identifiersOf(value: Buffer | null, key: Buffer | null) {
  const ids: Partial<
    Pick<
      RecordRejectedV1,
      'companyId' | 'rejectedEventId' | 'locationId' | 'receiptNumber' | 'businessDay'
    >
  > = {};
  let json: unknown;
  try {
    json = value && value.length <= 1024 * 1024 ? JSON.parse(utf8.decode(value)) : undefined;
  } catch {
    json = undefined;
  }
  const field = (name: string): string | undefined => {
    if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
    const v = Object.prototype.hasOwnProperty.call(json, name)
      ? (json as Record<string, unknown>)[name]
      : undefined;
    return typeof v === 'string' ? v : undefined;
  };
  const pick = (v: string | undefined, ok: (s: string) => boolean) =>
    v !== undefined && ok(v) ? v : undefined;
  ids.companyId = pick(field('companyId'), (s) => ID64.test(s));
  if (!ids.companyId && key) {
    try {
      ids.companyId = pick(utf8.decode(key), (s) => ID64.test(s));
    } catch {
      // a binary key names no company
    }
  }
  ids.rejectedEventId = pick(field('eventId'), (s) => UUID.test(s));
  ids.locationId = pick(field('locationId'), (s) => ID64.test(s));
  ids.receiptNumber = pick(field('receiptNumber'), (s) => PRINTABLE_1_32.test(s));
  ids.businessDay = pick(field('businessDay'), isIsoDay);
  return Object.fromEntries(Object.entries(ids).filter(([, v]) => v !== undefined)) as typeof ids;
}

/** The rejection event for a refused record. */
export function recordRejection(input: {
  rejectedBy: string;
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  code: string;
  message: string;
  problems?: Problem[];
  at?: Date;
}): RecordRejectedV1 {
  return {
    eventId: nameBasedUuid(
      `${input.rejectedBy}\u0000${input.topic}\u0000${input.partition}\u0000${input.offset}`,
    ),
    schemaVersion: 1,
    ...identifiersOf(input.value, input.key),
    rejectedBy: input.rejectedBy,
    topic: input.topic.slice(0, 255),
    partition: input.partition,
    offset: input.offset,
    code: input.code.slice(0, 100),
    message: input.message.slice(0, 1000),
    problems: (input.problems ?? []).slice(0, REJECTION_MAX_PROBLEMS).map((p) => ({
      path: p.path.slice(0, 500),
      code: p.code.slice(0, 100),
      message: p.message.slice(0, 1000),
    })),
    rejectedAt: (input.at ?? new Date()).toISOString(),
  };
}
