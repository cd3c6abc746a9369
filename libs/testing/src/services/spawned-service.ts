import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { eventually } from '../eventually';

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A built service (dist/main.js) running as its own process, the way operators run it. */
export class SpawnedService {
  stdout = '';
  stderr = '';
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    // 'close', not 'exit': it fires once the output pipes are drained too.
    this.exited = new Promise((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
  }

  static async start(
    mainJs: string,
    env: Record<string, string>,
    fixedPort?: number,
  ): Promise<SpawnedService> {
    const port = fixedPort ?? (await freePort());
    const child = spawn(process.execPath, [mainJs], {
      env: {
        PATH: process.env.PATH ?? '',
        ...env,
        HTTP_PORT: String(port),
        HTTP_HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new SpawnedService(child, `http://127.0.0.1:${port}`);
  }

  /** Resolves when GET /ready answers 200; fails early if the process dies. */
  async ready(timeoutMs = 60_000): Promise<void> {
    let dead = false;
    void this.exited.then(() => (dead = true));
    await eventually(
      async () => {
        if (dead)
          throw Object.assign(
            new Error(`exited during start-up:\n${this.stderr}\n${this.stdout}`),
            { fatal: true },
          );
        const res = await fetch(`${this.url}/ready`);
        if (res.status !== 200)
          throw new Error(`/ready answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
      },
      { timeoutMs, intervalMs: 250 },
    );
  }

  /** Waits for the process to end on its own. */
  async exit(timeoutMs = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.exited,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`did not exit within ${timeoutMs} ms`)),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async stop(
    signal: NodeJS.Signals = 'SIGTERM',
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exit();
  }
}
