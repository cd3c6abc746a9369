// The README's example, as a POS team would run it: the package packed with `npm pack` (what a
// registry would serve), the example's code block compiled with tsc against the packed copy, and
// run against the real broker as the `pos` principal – publishing a checkout the system accepts
// and printing the status events of its company.
// (Imports no @pos-tripletex/testing: libs/testing depends on this package.)
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { builtinModules } from 'node:module';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Kafka, KafkaMessage, SASLOptions, logLevel } from 'kafkajs';
import { DayStatusV1, InvoiceStatusV1, Topics, parseEvent, recordRejection } from '../src';

const ROOT = resolve(__dirname, '../../..');
const PACKAGE_DIR = resolve(__dirname, '..');
const README = join(PACKAGE_DIR, 'README.md');
const MARKER = '<!-- ci: pos-quickstart.ts';

/** The ```ts block that follows the README's `<!-- ci: pos-quickstart.ts … -->` marker. */
export function exampleFromReadme(markdown: string): string {
  const at = markdown.indexOf(MARKER);
  if (at < 0) throw new Error(`README.md has no ${MARKER} … --> marker before the example`);
  const block = /```ts\n([\s\S]*?)\n```/.exec(markdown.slice(at));
  if (!block) throw new Error('no ```ts block follows the example marker in README.md');
  return `${block[1]}\n`;
}

function adminSasl(): SASLOptions | undefined {
  if (!(process.env.KAFKA_SECURITY_PROTOCOL ?? '').startsWith('SASL_')) return undefined;
  return {
    mechanism: (process.env.KAFKA_SASL_MECHANISM ?? 'SCRAM-SHA-512').toLowerCase(),
    username: process.env.KAFKA_SASL_USERNAME ?? '',
    password: process.env.KAFKA_SASL_PASSWORD ?? '',
  } as SASLOptions;
}

/** The `pos` principal's connection settings (none on an open testcontainers broker). */
function posEnv(): Record<string, string> {
  if (!adminSasl()) return {};
  const password = process.env.KAFKA_PASSWORD_POS;
  if (!password)
    throw new Error(
      'KAFKA_PASSWORD_POS is not set: take the env from deploy/local/infra.sh test-env',
    );
  return {
    KAFKA_SASL_MECHANISM: process.env.KAFKA_SASL_MECHANISM ?? 'SCRAM-SHA-512',
    KAFKA_SASL_USERNAME: 'pos',
    KAFKA_SASL_PASSWORD: password,
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function until<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the README example of @pos-tripletex/contracts', () => {
  const work = join(ROOT, '.cache', 'contracts-readme-example', randomBytes(4).toString('hex'));
  const installed = join(work, 'node_modules', '@pos-tripletex', 'contracts');
  const companyId = `readme_${randomBytes(5).toString('hex')}`;
  const kafka = new Kafka({
    clientId: 'readme-example-test',
    brokers: (process.env.KAFKA_BROKERS ?? '').split(','),
    sasl: adminSasl(),
    logLevel: logLevel.NOTHING,
  });
  let example: ChildProcess | undefined;
  let tarball = '';

  beforeAll(() => {
    // The dist the pack takes must be the sources' (incremental: quick when up to date).
    execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-b', 'libs/contracts/tsconfig.lib.json'], {
      cwd: ROOT,
    });
    mkdirSync(installed, { recursive: true });
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', work], {
        cwd: PACKAGE_DIR,
        encoding: 'utf8',
      }),
    ) as { filename: string }[];
    tarball = join(work, packed.filename);
    // Installed as a registry install lays it out; its dependencies (class-validator, …, kafkajs)
    // resolve from the workspace's node_modules above, at the versions package.json declares.
    execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  });

  afterAll(async () => {
    example?.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  it('packs the built code, types, schemas, the AsyncAPI document and the README, and no sources', () => {
    const files = filesUnder(installed).map((f) => relative(installed, f));
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'asyncapi.json',
        'dist/index.js',
        'dist/index.d.ts',
        `schemas/${Topics.CheckoutCompletedV1}.schema.json`,
        `schemas/${Topics.DayStatusV1}.schema.json`,
      ]),
    );
    expect(files.filter((f) => /(^src\/|\.spec\.|\.ts$)/.test(f) && !f.endsWith('.d.ts'))).toEqual(
      [],
    );
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      private?: boolean;
      dependencies: Record<string, string>;
    };
    expect(manifest.private).toBeUndefined();
    // Every package the built code requires is a declared dependency (or part of Node.js).
    const required = new Set<string>();
    for (const file of files.filter((f) => f.endsWith('.js')))
      for (const [, spec] of readFileSync(join(installed, file), 'utf8').matchAll(
        /require\("([^".][^"]*)"\)/g,
      ))
        required.add(
          spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0],
        );
    const undeclared = [...required].filter(
      (name) =>
        !builtinModules.includes(name.replace(/^node:/, '')) && !manifest.dependencies[name],
    );
    expect(undeclared).toEqual([]);
    expect([...required]).toEqual(expect.arrayContaining(['class-validator', 'reflect-metadata']));
  });

  it('compiles against the packed package and runs against the broker as `pos`', async () => {
    // The status events the services would publish for the company, published as they would be.
    const admin = kafka.admin();
    await admin.connect();
    const topics = [
      Topics.CheckoutCompletedV1,
      Topics.DayStatusV1,
      Topics.InvoiceStatusV1,
      Topics.RecordRejectedV1,
    ];
    try {
      await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 3 })) });
    } finally {
      await admin.disconnect();
    }
    const day: DayStatusV1 = {
      eventId: randomUUID(),
      schemaVersion: 1,
      companyId,
      locationId: 'oslo-sentrum',
      businessDay: '2026-11-24',
      status: 'UNMAPPED',
      checkouts: 3,
      unmapped: [{ kind: 'PRODUCT_GROUP', id: 'bakery', takeaway: false }],
      changedAt: '2026-11-25T04:00:00Z',
    };
    const invoice: InvoiceStatusV1 = {
      eventId: randomUUID(),
      schemaVersion: 1,
      companyId,
      checkoutEventId: randomUUID(),
      receiptNumber: 'R-0999',
      status: 'INVOICED',
      invoiceNumber: 10042,
      amount: 25000,
      changedAt: '2026-11-24T19:00:00+01:00',
    };
    const rejected = recordRejection({
      rejectedBy: 'sales-export',
      topic: Topics.CheckoutCompletedV1,
      partition: 0,
      offset: '7',
      key: Buffer.from(companyId),
      value: Buffer.from(JSON.stringify({ companyId, receiptNumber: 'R-0998' })),
      code: 'CONTRACT_VIOLATION',
      message: '1 problem(s)',
      problems: [{ path: 'payments', code: 'UNBALANCED', message: 'payments do not balance' }],
    });
    for (const [topic, event] of [
      [Topics.DayStatusV1, day],
      [Topics.InvoiceStatusV1, invoice],
      [Topics.RecordRejectedV1, rejected],
    ] as const)
      expect(parseEvent(topic, JSON.stringify(event)).ok).toBe(true);
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.sendBatch({
        acks: -1,
        topicMessages: [
          { topic: Topics.DayStatusV1, messages: [{ key: companyId, value: JSON.stringify(day) }] },
          {
            topic: Topics.InvoiceStatusV1,
            messages: [{ key: companyId, value: JSON.stringify(invoice) }],
          },
          {
            topic: Topics.RecordRejectedV1,
            messages: [{ key: companyId, value: JSON.stringify(rejected) }],
          },
        ],
      });
    } finally {
      await producer.disconnect();
    }

    // The README's block, compiled strictly against the packed package's types.
    writeFileSync(join(work, 'pos-quickstart.ts'), exampleFromReadme(readFileSync(README, 'utf8')));
    writeFileSync(
      join(work, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'ES2022',
          module: 'commonjs',
          moduleResolution: 'node10',
          esModuleInterop: true,
          skipLibCheck: false,
          types: ['node'],
          outDir: 'out',
        },
        files: ['pos-quickstart.ts'],
      }),
    );
    execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], {
      cwd: work,
      encoding: 'utf8',
    });
    // Node.js (not jest's module map) finds the packed copy, not the workspace's sources.
    expect(
      execFileSync(process.execPath, ['-p', "require.resolve('@pos-tripletex/contracts')"], {
        cwd: work,
        encoding: 'utf8',
      }).trim(),
    ).toBe(join(installed, 'dist', 'index.js'));

    // Collect what the example publishes, as an operator would see it.
    const collector = kafka.consumer({ groupId: `readme-collector-${companyId}` });
    const published: KafkaMessage[] = [];
    await collector.connect();
    await collector.subscribe({ topics: [Topics.CheckoutCompletedV1], fromBeginning: true });
    await collector.run({
      eachMessage: async ({ message }) => {
        if (message.key?.toString() === companyId) published.push(message);
      },
    });

    let stdout = '';
    let stderr = '';
    example = spawn(process.execPath, [join(work, 'out', 'pos-quickstart.js')], {
      cwd: work,
      env: {
        PATH: process.env.PATH ?? '',
        KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
        COMPANY_ID: companyId,
        ...posEnv(),
      },
    });
    example.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    example.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let exitCode: number | null | undefined;
    example.on('exit', (code) => (exitCode = code));
    try {
      const expected = [
        /published checkout [0-9a-f-]{36}/,
        /day 2026-11-24 at oslo-sentrum: UNMAPPED PRODUCT_GROUP bakery/,
        /invoice for receipt R-0999: INVOICED invoice 10042, 25000 øre/,
        /refused record R-0998: CONTRACT_VIOLATION – payments: payments do not balance/,
      ];
      await until(
        `the example's output (so far: ${JSON.stringify(stdout)}, stderr ${JSON.stringify(stderr)})`,
        () => {
          if (exitCode !== undefined)
            throw new Error(`the example exited with ${exitCode}: ${stdout}\n${stderr}`);
          return expected.every((line) => line.test(stdout)) ? true : undefined;
        },
        40_000,
      );
      example.kill('SIGINT');
      await until('the example to stop on SIGINT', () => exitCode ?? undefined, 15_000);
      expect(exitCode).toBe(0);

      const eventId = /published checkout ([0-9a-f-]{36})/.exec(stdout)![1];
      const [record] = await until(
        'the published checkout',
        () => published[0] && published,
        15_000,
      );
      const parsed = parseEvent(Topics.CheckoutCompletedV1, record.value);
      expect(parsed.ok && parsed.event.eventId).toBe(eventId);
      expect(record.headers?.['correlation-id']?.toString()).toBe('till-1');
    } finally {
      await collector.disconnect();
    }
  }, 90_000);
});
