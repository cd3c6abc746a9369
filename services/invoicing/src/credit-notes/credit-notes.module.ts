import { Module } from '@nestjs/common';
import { CreditNoteService } from './credit-note.service';

/** Refunds of invoiced sales → credit notes (decisions only; the invoice worker records them). */
@Module({
  providers: [CreditNoteService],
  exports: [CreditNoteService],
})
export class CreditNotesModule {}
