/** Stops whatever containers the global setup started (none when env provided the services). */
export default async function globalTeardown(): Promise<void> {
  const containers = globalThis.__POS_TRIPLETEX_CONTAINERS__ ?? [];
  await Promise.all(containers.map((c) => c.stop()));
}
