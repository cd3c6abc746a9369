import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { gauge, ReadinessRegistry } from '@pos-tripletex/platform';
import type { Consumer } from 'kafkajs';
import { KafkaSettings } from './kafka-config';
import { MESSAGING_SETTINGS } from './kafka-client';

interface Pending {
  offset: string;
  /** When this process was first handed the record (ms); the clock keeps running over retries. */
  since: number;
}

interface GroupState {
  group: string;
  topics: string[];
  /** Why the consumer is down (crashed, stopped), or undefined while it runs. */
  down?: string;
  /** The record in progress per `topic\0partition`, until it is applied, skipped or dead-lettered. */
  pending: Map<string, Pending>;
}

const monitors = new Set<ConsumerMonitor>();

gauge({
  name: 'pos_kafka_oldest_unprocessed_record_seconds',
  help: 'Age of the oldest record a consumer has been handed but not finished (applied, duplicate or dead-lettered), by group, topic and partition; 0 when none waits. Grows while a record waits for an outage or a handler is stuck.',
  labelNames: ['group', 'topic', 'partition'] as const,
  collect() {
    this.reset();
    const now = Date.now();
    for (const monitor of monitors) {
      for (const row of monitor.ages(now)) {
        this.set({ group: row.group, topic: row.topic, partition: row.partition }, row.seconds);
      }
    }
  },
});

/**
 * Watches every Kafka consumer of the service – the NestJS transport's and the batch consumers –
 * for GET /ready and GET /metrics: a consumer that crashed (and is not restarting) or stopped is
 * down, and one that has been on the same record longer than KAFKA_STALL_AFTER_MS is stuck.
 */
@Injectable()
export class ConsumerMonitor implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ConsumerMonitor.name);
  private readonly groups = new Map<string, GroupState>();

  constructor(
    @Inject(MESSAGING_SETTINGS) private readonly settings: KafkaSettings,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    monitors.add(this);
  }

  onModuleDestroy(): void {
    monitors.delete(this);
  }

  /** Starts watching a consumer (call before `run`). */
  watch(group: string, topics: string[], consumer: Consumer): void {
    const state: GroupState = { group, topics, pending: new Map() };
    this.groups.set(group, state);
    consumer.on(consumer.events.CRASH, (e) => {
      const { error, restart } = e.payload as { error?: unknown; restart?: boolean };
      const reason = error instanceof Error ? error.message : String(error);
      state.down = restart
        ? `crashed (restarting): ${reason}`
        : `crashed and not restarting: ${reason}`;
      this.logger.error(`consumer ${group} ${state.down}`);
    });
    consumer.on(consumer.events.STOP, () => (state.down = 'stopped'));
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      state.down = undefined;
      // Records of partitions now owned by another instance are that instance's to report.
      const assigned = new Set<string>();
      const assignment = (e.payload as { memberAssignment?: Record<string, number[]> })
        .memberAssignment;
      for (const [topic, partitions] of Object.entries(assignment ?? {}))
        for (const partition of partitions) assigned.add(`${topic}\u0000${partition}`);
      for (const key of state.pending.keys()) if (!assigned.has(key)) state.pending.delete(key);
    });
    this.readiness.register({
      name: `kafka-consumer:${group}`,
      check: () => {
        const problem = this.problemOf(state, Date.now());
        if (problem) return Promise.reject(new Error(problem));
        return Promise.resolve({ topics: topics.join(',') });
      },
    });
  }

  /** The consumer was handed a record (keeps the first time if it is handed the same one again). */
  started(group: string, topic: string, partition: number, offset: string): void {
    const state = this.groups.get(group);
    if (!state) return;
    const key = `${topic}\u0000${partition}`;
    const current = state.pending.get(key);
    if (current?.offset === offset) return;
    state.pending.set(key, { offset, since: current?.since ?? Date.now() });
  }

  /** The records up to `offset` on the partition are done (applied, duplicate, dead-lettered). */
  finished(group: string, topic: string, partition: number): void {
    this.groups.get(group)?.pending.delete(`${topic}\u0000${partition}`);
  }

  ages(now: number): { group: string; topic: string; partition: string; seconds: number }[] {
    const out: { group: string; topic: string; partition: string; seconds: number }[] = [];
    for (const state of this.groups.values()) {
      for (const [key, pending] of state.pending) {
        const [topic, partition] = key.split('\u0000');
        out.push({ group: state.group, topic, partition, seconds: (now - pending.since) / 1000 });
      }
    }
    return out;
  }

  private problemOf(state: GroupState, now: number): string | undefined {
    if (state.down) return `consumer ${state.group} ${state.down}`;
    for (const [key, pending] of state.pending) {
      const waited = now - pending.since;
      if (waited > this.settings.stallAfterMs) {
        const [topic, partition] = key.split('\u0000');
        return `consumer ${state.group} has been on ${topic}[${partition}]@${pending.offset} for ${Math.round(waited / 1000)} s`;
      }
    }
    return undefined;
  }
}
