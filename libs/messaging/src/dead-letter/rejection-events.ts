import { recordRejection, Topics } from '@pos-tripletex/contracts';
import type { ReceivedMessage } from '../inbox/received-message';
import type { CompanionRecord, DeadLetterReason } from './dead-letter.publisher';

/**
 * The Inbox `rejection` hook of a consumer that owns a POS-facing intake: every record it
 * dead-letters is also announced on integration.record-rejected.v1, in the same send as its
 * dead-letter record. `when` narrows which refusals this service announces (e.g. not the contract
 * violations another service already announces).
 */
export function rejectionEvents(
  service: string,
  when: (reason: DeadLetterReason) => boolean = () => true,
): (message: ReceivedMessage, reason: DeadLetterReason) => CompanionRecord[] {
  return (message, reason) => {
    if (!when(reason)) return [];
    const event = recordRejection({
      rejectedBy: service,
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      key: message.key,
      value: message.value,
      code: reason.code,
      message: reason.message,
      problems: reason.problems,
    });
    return [
      {
        topic: Topics.RecordRejectedV1,
        key: event.companyId ?? null,
        value: JSON.stringify(event),
        headers: {
          'event-type': Topics.RecordRejectedV1,
          producer: service,
          ...(message.headers['correlation-id']
            ? { 'correlation-id': message.headers['correlation-id'].slice(0, 200) }
            : {}),
        },
      },
    ];
  };
}
