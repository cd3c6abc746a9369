/** Field names that hold secrets wherever they appear in a logged object. */
export const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'password',
  'token',
  'employeeToken',
  'consumerToken',
  'sessionToken',
  'encryptionKey',
  'secret',
  'hmacSharedSecret',
  'authHeaderValue',
  'apiKey',
];

/**
 * pino `redact` paths: the secret fields at the top level and up to three levels down (pino's
 * wildcards match one level each), plus the HTTP headers pino-http logs.
 */
export function redactPaths(fields: string[] = SECRET_FIELDS): string[] {
  const paths = new Set<string>([
    'req.headers.authorization',
    'req.headers.cookie',
    'req.headers["x-api-key"]',
    'res.headers["set-cookie"]',
  ]);
  for (const field of fields) {
    const key = /^[A-Za-z_$][\w$]*$/.test(field) ? field : `["${field}"]`;
    paths.add(key);
    paths.add(`*.${key}`);
    paths.add(`*.*.${key}`);
    paths.add(`*.*.*.${key}`);
  }
  return [...paths];
}
