import { Admin, ITopicConfig } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Creates the topics that do not exist yet and waits until every partition has a leader.
 * kafkajs's own `waitForLeaders` gives up with "This server does not host this topic-partition"
 * when the metadata lags right after creation (seen on a busy single-node broker), so the wait is
 * ours: poll the metadata until it is complete or the deadline passes.
 */
export async function ensureTopics(
  admin: Admin,
  topics: ITopicConfig[],
  timeoutMs = 30_000,
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t.topic));
  if (missing.length > 0) {
    try {
      await admin.createTopics({ topics: missing, waitForLeaders: false });
    } catch (error) {
      // Another instance created them at the same moment: fine, anything else is not.
      const type =
        (error as { type?: string; errors?: { type?: string }[] }).errors?.[0]?.type ??
        (error as { type?: string }).type;
      if (type !== 'TOPIC_ALREADY_EXISTS') throw error;
    }
  }
  const names = topics.map((t) => t.topic);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: names });
      const ready = metadata.every(
        (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
      );
      if (ready) return missing.map((t) => t.topic);
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`topics have no leaders after ${timeoutMs} ms: ${names.join(', ')}`);
    await sleep(200);
  }
}
