import { ChildProcess, spawn } from 'node:child_process';
import { AddressInfo, createServer, Server } from 'node:net';
import { eventually } from '../eventually';

/** A free TCP port on 127.0.0.1 (asked of the OS, then released). */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}

/** `count` distinct free TCP ports on 127.0.0.1 (all held at once, so none repeats). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

/**
 * A built service (dist/main.js) running as its own process, the way operators run it: the
 * public listener at `url`, the admin listener (metrics, docs, readiness details) at `adminUrl`.
 */
export class SpawnedService {
  stdout = '';
  stderr = '';
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly adminPort: number,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    // 'close', not 'exit': it fires once the output pipes are drained too.
    this.exited = new Promise((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
  }

  /**
   * Starts `mainJs` on `fixedPort` (or a free one); its admin listener on `fixedAdminPort`, else
   * the env's ADMIN_HTTP_PORT, else a free one – never a service's default, which a local run
   * (`npm run up`) may hold.
   */
  static async start(
    mainJs: string,
    env: Record<string, string>,
    fixedPort?: number,
    fixedAdminPort?: number,
  ): Promise<SpawnedService> {
    const free = await freePorts(2);
    const port = fixedPort ?? free[0];
    const adminPort =
      fixedAdminPort ??
      (env.ADMIN_HTTP_PORT ? Number(env.ADMIN_HTTP_PORT) : free.find((p) => p !== port));
    const child = spawn(process.execPath, [mainJs], {
      env: {
        PATH: process.env.PATH ?? '',
        // As deployed (deploy/Dockerfile, deploy/local/services.mjs): a bounded heap.
        NODE_OPTIONS: '--max-old-space-size=192',
        ...env,
        HTTP_PORT: String(port),
        HTTP_HOST: '127.0.0.1',
        ADMIN_HTTP_PORT: String(adminPort),
        ADMIN_HTTP_HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new SpawnedService(child, `http://127.0.0.1:${port}`, adminPort as number);
  }

  /** The admin listener: /metrics, /docs where configured, and the detailed /ready. */
  get adminUrl(): string {
    return `http://127.0.0.1:${this.adminPort}`;
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
        if (res.status !== 200) {
          // The public answer is a bare status; the admin listener says what is not ready.
          const details = await fetch(`${this.adminUrl}/ready`).then(
            (r) => r.text(),
            () => '(admin listener not answering)',
          );
          throw new Error(`/ready answered ${res.status}: ${details.slice(0, 500)}`);
        }
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
