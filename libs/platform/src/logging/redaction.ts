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

/**
 * Header names whose values are secrets wherever they come from: credentials, tokens, and the
 * webhook secret header and `x-request-signature` Tripletex sends (a signature would let anyone
 * who reads the log replay the delivery it signs).
 */
const SECRET_HEADER = /authorization|cookie|secret|signature|token|api-?key|password/i;

/** A copy of the headers with the value of every secret-looking one replaced. */
export function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      SECRET_HEADER.test(name) ? '[redacted]' : value,
    ]),
  );
}

/**
 * pino's `req` serializer (pino-http hands it the standard serialization of the request): its
 * headers with every secret-looking value redacted – a new object, the request keeps its own.
 */
export function serializeRequest(req: unknown): unknown {
  if (!req || typeof req !== 'object') return req;
  const { headers } = req as { headers?: unknown };
  if (!headers || typeof headers !== 'object') return req;
  return { ...req, headers: redactHeaders(headers as Record<string, unknown>) };
}
