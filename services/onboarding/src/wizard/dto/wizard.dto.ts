import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { INVOICE_SEND_TYPES, type InvoiceSendType } from '@pos-tripletex/contracts';
import {
  PAYMENT_METHOD_KINDS,
  type PaymentMethodKind,
} from '../../integrations/entities/integration.entity';

const ID64 = /^[A-Za-z0-9_-]{1,64}$/;
const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/**
 * A step's list: required, a JSON array (an empty one is allowed), of at most `max` entries.
 * Anything else is named for what it is ("… must be a list …"), never measured as if it were a
 * list (class-validator's ArrayMaxSize says "no more than 200 elements" of a missing field).
 */
function ListOfAtMost(max: number, what: string): PropertyDecorator {
  return (target, property) => {
    ValidateBy({
      name: 'listOfAtMost',
      constraints: [max],
      validator: {
        // Only a list has a size: a missing or non-list value is IsArray's to name.
        validate: (value: unknown) => !Array.isArray(value) || value.length <= max,
        defaultMessage: () =>
          `${String(property)} lists at most ${max} ${what}; split the list or ask us to raise the limit`,
      },
    })(target, property);
    IsArray({
      message: `${String(property)} is required: a list of ${what} (an empty list [] for none)`,
    })(target, property);
  };
}

export class VerifyTokenDto {
  @ApiProperty({
    description: 'The employee token created in Tripletex (never returned or logged).',
    writeOnly: true,
  })
  @Matches(/^\S+$/, { message: 'employeeToken must not contain spaces or line breaks' })
  @MaxLength(500)
  @MinLength(8)
  @IsString()
  employeeToken!: string;
}

export class StartDateDto {
  @ApiProperty({
    example: '2026-11-01',
    description: 'First business day to export (YYYY-MM-DD, Europe/Oslo); not in the future.',
  })
  @Matches(DAY, { message: 'startDate must be a date YYYY-MM-DD' })
  startDate!: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 12,
    default: 4,
    example: 4,
    description: 'Sales before this hour belong to the previous business day.',
  })
  @Max(12)
  @Min(0)
  @IsInt()
  @IsOptional()
  dayCutoffHour?: number;

  @ApiPropertyOptional({
    example: true,
    description:
      'true (default): the daily vouchers go straight into the ledger; false: they wait in Tripletex for a bookkeeper to approve them.',
  })
  @IsBoolean()
  @IsOptional()
  sendToLedger?: boolean;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 24 * 60,
    default: 30,
    example: 30,
    description:
      'Minutes after the cut-off a day without a Z-report (pos.day.closed.v1) stays open for late sales (default 30).',
  })
  @Max(24 * 60)
  @Min(0)
  @IsInt()
  @IsOptional()
  graceMinutes?: number;
}

export class PaymentMethodMappingDto {
  @ApiProperty({ example: 'card', description: 'The POS payment method id.' })
  @Matches(ID64, { message: 'paymentMethodId must be 1–64 characters of A-Z, a-z, 0-9, _ or -' })
  paymentMethodId!: string;

  @ApiProperty({ example: 'Bankkort' })
  @MaxLength(100)
  @MinLength(1)
  @IsString()
  name!: string;

  @ApiPropertyOptional({
    enum: PAYMENT_METHOD_KINDS,
    enumName: 'PaymentMethodKind',
    example: 'CARD',
    description:
      'What kind of payment it is. INVOICE: charged by a Tripletex invoice, so it takes no account (accountId null).',
  })
  @IsIn(PAYMENT_METHOD_KINDS)
  @IsOptional()
  method?: PaymentMethodKind;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 1000123,
    description:
      'Tripletex account id (GET …/accounts); null: not chosen yet (always for INVOICE).',
  })
  @Min(1)
  @IsInt()
  @IsOptional()
  accountId!: number | null;
}

export class PaymentMethodsDto {
  @ApiProperty({
    type: [PaymentMethodMappingDto],
    maxItems: 200,
    description: 'Every payment method of the POS, the Invoice method too.',
  })
  @ValidateNested({ each: true })
  @ListOfAtMost(200, 'payment methods')
  @Type(() => PaymentMethodMappingDto)
  paymentMethods!: PaymentMethodMappingDto[];
}

export class ProductGroupMappingDto {
  @ApiProperty({ example: 'food' })
  @Matches(ID64, { message: 'productGroupId must be 1–64 characters of A-Z, a-z, 0-9, _ or -' })
  productGroupId!: string;

  @ApiProperty({ example: 'Mat' })
  @MaxLength(100)
  @MinLength(1)
  @IsString()
  name!: string;

  @ApiProperty({
    enum: [25, 15, 12, 0],
    enumName: 'VatRate',
    example: 25,
    description:
      "The VAT rate the group is sold at (eat-in or takeaway). A group sold at several rates (take-away beer 25 %, soda 15 %) is listed once per rate, each with the account for that rate; a group listed once takes its account for every rate it is sold at, if the account accepts that rate's VAT code.",
  })
  @IsIn([25, 15, 12, 0])
  vatRate!: 25 | 15 | 12 | 0;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 1000456,
    description: 'Tripletex account id (GET …/accounts); null: not chosen yet.',
  })
  @Min(1)
  @IsInt()
  @IsOptional()
  accountId!: number | null;
}

export class ProductGroupsDto {
  @ApiProperty({
    type: [ProductGroupMappingDto],
    maxItems: 1000,
    description: 'Every product group of the POS.',
  })
  @ValidateNested({ each: true })
  @ListOfAtMost(1000, 'product groups')
  @Type(() => ProductGroupMappingDto)
  productGroups!: ProductGroupMappingDto[];
}

export class OtherEventMappingDto {
  @ApiProperty({
    enum: ['TIPS', 'ROUNDING', 'CASH_DIFFERENCE', 'GIFT_CARDS_SOLD'],
    enumName: 'OtherEvent',
    example: 'TIPS',
  })
  @IsIn(['TIPS', 'ROUNDING', 'CASH_DIFFERENCE', 'GIFT_CARDS_SOLD'])
  event!: 'TIPS' | 'ROUNDING' | 'CASH_DIFFERENCE' | 'GIFT_CARDS_SOLD';

  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 1000789,
    description: 'Tripletex account id; null: the business has none of these.',
  })
  @Min(1)
  @IsInt()
  @IsOptional()
  accountId!: number | null;
}

export class OtherEventsDto {
  @ApiProperty({
    type: [OtherEventMappingDto],
    maxItems: 10,
    description: 'Tips, rounding, cash differences and gift cards sold, each at most once.',
  })
  @ValidateNested({ each: true })
  @ListOfAtMost(10, 'other events')
  @Type(() => OtherEventMappingDto)
  otherEvents!: OtherEventMappingDto[];
}

export class CollectiveInvoicingDto {
  @ApiProperty({ example: true, description: 'Collect invoiced sales into one invoice a period.' })
  @IsBoolean()
  enabled!: boolean;

  @ApiPropertyOptional({
    enum: ['WEEKLY', 'MONTHLY', 'ON_DEMAND'],
    enumName: 'CollectiveCadence',
    default: 'MONTHLY',
    description:
      'When collective invoices are made; ON_DEMAND: only by POST …/collective-invoices/run.',
  })
  @IsIn(['WEEKLY', 'MONTHLY', 'ON_DEMAND'])
  @IsOptional()
  cadence?: 'WEEKLY' | 'MONTHLY' | 'ON_DEMAND';
}

export class InvoicingDto {
  @ApiProperty({
    example: true,
    description: 'Charge by invoice through Tripletex (needs a bank account number in Tripletex).',
  })
  @IsBoolean()
  enabled!: boolean;

  @ApiPropertyOptional({
    default: true,
    description: 'Let Tripletex send each invoice to the customer.',
  })
  @IsBoolean()
  @IsOptional()
  sendToCustomer?: boolean;

  @ApiPropertyOptional({
    type: 'string',
    enum: INVOICE_SEND_TYPES,
    enumName: 'InvoiceSendType',
    nullable: true,
    description:
      'How Tripletex delivers sent invoices: EHF (needs the customer’s organisation number and address), EMAIL, PAPER or MANUAL; null or never set: each customer’s send method in Tripletex. A checkout may ask for its own (invoice.sendType).',
  })
  @IsIn(INVOICE_SEND_TYPES)
  @ValidateIf((_, value) => value !== null && value !== undefined)
  sendType?: InvoiceSendType | null;

  @ApiPropertyOptional({ type: CollectiveInvoicingDto })
  @ValidateNested()
  @Type(() => CollectiveInvoicingDto)
  @IsOptional()
  collective?: CollectiveInvoicingDto;
}

export class LocationMappingDto {
  @ApiProperty({ example: 'storgata', description: 'The POS location id.' })
  @Matches(ID64, { message: 'locationId must be 1–64 characters of A-Z, a-z, 0-9, _ or -' })
  locationId!: string;

  @ApiPropertyOptional({
    example: 'Storgata',
    description: 'The location as the operator knows it.',
  })
  @MaxLength(100)
  @MinLength(1)
  @IsString()
  @IsOptional()
  name?: string;

  @ApiProperty({
    type: 'integer',
    example: 1000789,
    description:
      'Tripletex department id (GET …/departments); every posting of the location carries it.',
  })
  @Min(1)
  @IsInt()
  departmentId!: number;
}

export class LocationsDto {
  @ApiProperty({
    type: [LocationMappingDto],
    description:
      'Every POS location with its Tripletex department; empty: postings carry no department (one location, and no chosen account requires a department).',
    maxItems: 500,
  })
  @ValidateNested({ each: true })
  @ListOfAtMost(500, 'locations')
  @Type(() => LocationMappingDto)
  locations!: LocationMappingDto[];
}
