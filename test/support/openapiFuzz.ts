import fc from 'fast-check';

// Generators of HTTP requests from an OpenAPI 3 document (what `app.swagger()` returns), for the
// bad-input suite: each operation's path, query, headers and body are drawn from its schemas —
// values that fit, values of the wrong type, hostile strings — so a new route is covered as soon
// as it is registered.

/** The part of a JSON schema the generators read. */
export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
}

/** One operation of the spec. */
export interface Operation {
  method: string;
  /** OpenAPI path, e.g. `/v1/jobs/{id}`. */
  path: string;
  pathParams: string[];
  query: Record<string, Schema>;
  headers: Record<string, Schema>;
  body: Schema | undefined;
  /** How the body is sent: JSON, or multipart/form-data (uploads). */
  bodyType: 'json' | 'multipart';
  /** Security schemes the operation names (first entry). */
  security: string[];
}

/** One generated request. */
export interface FuzzRequest {
  op: Operation;
  method: string;
  /** Raw request target (path + query), sent as is. */
  target: string;
  headers: Record<string, string>;
  body: string | undefined;
}

interface SpecParameter {
  in: string;
  name: string;
  schema?: Schema;
}

interface SpecOperation {
  parameters?: SpecParameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  security?: Record<string, unknown>[];
}

/** Every operation of an OpenAPI document. */
export function operationsOf(spec: { paths?: Record<string, Record<string, SpecOperation>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(spec.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = op.parameters ?? [];
      const pick = (where: string) =>
        Object.fromEntries(params.filter((p) => p.in === where).map((p) => [p.name, p.schema ?? {}]));
      const content = op.requestBody?.content ?? {};
      const body = content['application/json']?.schema ?? Object.values(content)[0]?.schema;
      const bodyType = !content['application/json'] && content['multipart/form-data'] ? 'multipart' : 'json';
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
        query: pick('query'),
        headers: pick('header'),
        body,
        bodyType,
        security: Object.keys(op.security?.[0] ?? {}),
      });
    }
  }
  return ops;
}

/** Strings that have broken servers: NUL and control characters, bad encodings, huge, injections. */
export const hostileStrings = [
  '',
  '\u0000',
  'a\u0000b',
  '\u0001\u001f\u007f',
  '%',
  '%zz',
  '%00',
  '%E0%A4%A',
  '../../../../etc/passwd',
  '\ud800',
  '\u202e\u0301',
  '😀'.repeat(50),
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '$\u007Bjndi:ldap://x}',
  'null',
  '-1',
  '1e309',
  'NaN',
  '0x',
  `0x${'f'.repeat(64)}`,
  `0x${'0'.repeat(130)}`,
  'x'.repeat(5_000),
  'http://127.0.0.1:6379/',
  'http://169.254.169.254/latest/meta-data/',
  'http://[::1]:5432/',
  'file:///etc/passwd',
  '__proto__',
  'constructor',
];

const hostile = fc.constantFrom(...hostileStrings);

/** A value that fits `schema` (as far as these generators read schemas): no hostile values. */
export function validValue(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.constant('x');
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return validValue(alternatives[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return schema.pattern
        ? fc.stringMatching(new RegExp(schema.pattern)).map((v) => v.slice(0, 200))
        : fc.string({
            minLength: Math.max(1, schema.minLength ?? 1),
            maxLength: Math.min(schema.maxLength ?? 20, 20),
          });
    case 'integer':
    case 'number':
      return fc.integer({
        min: Math.max(schema.minimum ?? 1, -1e9),
        max: Math.min(schema.maximum ?? 1_000, 1e9),
      });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(validValue(schema.items, depth + 1), { maxLength: 2 });
    case 'object': {
      const props = schema.properties ?? {};
      return fc.record(
        Object.fromEntries(Object.keys(props).map((k) => [k, validValue(props[k], depth + 1)])),
      );
    }
    default:
      return fc.constant('x');
  }
}

/** A valid object of `schema` with exactly one field replaced by a hostile or wrong value. */
function oneFieldBad(schema: Schema): fc.Arbitrary<unknown> {
  const keys = Object.keys(schema.properties ?? {});
  if (keys.length === 0) return validValue(schema);
  return fc
    .tuple(
      validValue(schema),
      fc.constantFrom(...keys),
      fc.oneof({ weight: 3, arbitrary: hostile }, fc.jsonValue({ maxDepth: 1 })),
    )
    .map(([valid, key, bad]) => ({ ...(valid as Record<string, unknown>), [key]: bad }));
}

/** A value that fits `schema` roughly (types, enums, patterns), or a hostile one. */
export function schemaValue(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.jsonValue({ maxDepth: 2 });
  if (schema.const !== undefined) return fc.oneof(fc.constant(schema.const), hostile);
  if (schema.enum) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...schema.enum) }, hostile);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => schemaValue(s, depth + 1)));
  if (schema.allOf?.length) return schemaValue(Object.assign({}, ...schema.allOf), depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      const shaped = schema.pattern
        ? fc.stringMatching(new RegExp(schema.pattern)).map((s) => s.slice(0, 2_000))
        : fc.string({ maxLength: Math.min(schema.maxLength ?? 40, 2_000) });
      return fc.oneof({ weight: 4, arbitrary: shaped }, { weight: 3, arbitrary: hostile }, fc.integer());
    }
    case 'integer':
    case 'number':
      return fc.oneof(
        fc.integer({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 1_000_000 }),
        fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, 0.5),
        hostile,
      );
    case 'boolean':
      return fc.oneof({ weight: 3, arbitrary: fc.boolean() }, hostile, fc.constant(null));
    case 'array':
      return fc.oneof(
        { weight: 3, arbitrary: fc.array(schemaValue(schema.items, depth + 1), { maxLength: 5 }) },
        fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
        hostile,
      );
    case 'object': {
      const props = schema.properties ?? {};
      const keys = Object.keys(props);
      const record = fc.record(Object.fromEntries(keys.map((k) => [k, schemaValue(props[k], depth + 1)])), {
        requiredKeys: (schema.required ?? []).filter((k) => keys.includes(k)),
      });
      const withExtra = fc
        .tuple(
          record,
          fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), hostile), fc.jsonValue({ maxDepth: 1 }), {
            maxKeys: 2,
          }),
        )
        .map(([r, extra]) => ({ ...extra, ...r }));
      return fc.oneof(
        { weight: 4, arbitrary: record },
        { weight: 3, arbitrary: oneFieldBad(schema) },
        { weight: 1, arbitrary: withExtra },
        {
          weight: 1,
          arbitrary: fc.record(Object.fromEntries(keys.map((k) => [k, schemaValue(props[k], depth + 1)])), {
            requiredKeys: [],
          }),
        },
        hostile,
      );
    }
    default:
      return fc.oneof(fc.jsonValue({ maxDepth: 2 }), hostile);
  }
}

/** Percent-encodes the UTF-8 bytes of `s` (lone surrogates become U+FFFD) except RFC 3986 unreserved characters. */
export function percentEncode(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** A path segment or query value from any generated value: encoded, raw (bad encodings stay bad), or very long. */
const segment = (value: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 4, arbitrary: value.map((v) => percentEncode(String(v))) },
    { weight: 1, arbitrary: fc.constantFrom('%zz', '%', '%00', '%E0%A4%A', 'a%2Fb', '..', '%2e%2e') },
    { weight: 1, arbitrary: fc.integer({ min: 101, max: 4_000 }).map((n) => 'a'.repeat(n)) },
  );

/** What a request may carry as credentials, by OpenAPI security scheme name. */
export type Credentials = Record<string, string>;

const BOUNDARY = 'tender-fuzz-boundary';

/** A multipart/form-data body with one text part per field of a generated object. */
function multipartOf(value: unknown): string {
  const fields =
    value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [['x', value]];
  let out = '';
  for (const [name, v] of fields) {
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    const safeName = String(name).replace(/["\r\n]/g, '_');
    out += `--${BOUNDARY}\r\ncontent-disposition: form-data; name="${safeName}"\r\n\r\n${text}\r\n`;
  }
  return `${out}--${BOUNDARY}--\r\n`;
}

/**
 * Requests for one operation. `credentials` give a valid bearer per scheme (used most of the
 * time); `known` gives real values for path parameters by name (ids of rows that exist), so
 * that generated requests also reach the code behind the lookups.
 */
export function requestOf(
  op: Operation,
  credentials: Credentials,
  known: Record<string, string[]> = {},
): fc.Arbitrary<FuzzRequest> {
  const paramValue = (name: string) =>
    known[name]?.length
      ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known[name]!) }, fc.uuid(), fc.string(), hostile)
      : fc.oneof(fc.uuid(), fc.string(), hostile);
  const pathValues = fc.tuple(...op.pathParams.map((name) => segment(paramValue(name)))) as fc.Arbitrary<
    string[]
  >;
  const queryEntries = Object.entries(op.query);
  const query = fc.array(
    fc.oneof(
      ...(queryEntries.length
        ? queryEntries.map(([k, s]) => segment(schemaValue(s)).map((v) => `${percentEncode(k)}=${v}`))
        : []),
      segment(fc.string({ maxLength: 6 })).map((v) => `${v}=${v}`),
    ),
    { maxLength: 4 },
  );
  // Routes that name no scheme get the default credential (the requester API key).
  const bearer = credentials[op.security[0] ?? 'default'] ?? credentials.default;
  const auth = fc.oneof(
    { weight: bearer ? 6 : 1, arbitrary: fc.constant(bearer ? `Bearer ${bearer}` : undefined) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.oneof(hostile, fc.string()).map((s) => `Bearer ${s.replace(/[^\t\x20-\x7e]/g, '?')}`),
    },
  );
  const contentType = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.constant(
        op.bodyType === 'multipart' ? `multipart/form-data; boundary=${BOUNDARY}` : 'application/json',
      ),
    },
    fc.constantFrom(
      'multipart/form-data',
      'multipart/form-data; boundary=',
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=utf-16',
      'application/octet-stream',
      '*/*; q=x',
    ),
  );
  const body = fc.oneof(
    {
      weight: 6,
      arbitrary: schemaValue(op.body).map((v) =>
        op.bodyType === 'multipart' ? multipartOf(v) : JSON.stringify(v),
      ),
    },
    fc.constantFrom('{', '[', '{"a":', 'null', '"\u0000"', '{"__proto__":{"x":1}}', 'x'.repeat(20_000)),
  );
  const extraHeaders = fc.dictionary(
    fc.constantFrom(
      'x-forwarded-for',
      'forwarded',
      'x-real-ip',
      'idempotency-key',
      'accept',
      'x-request-id',
      'origin',
    ),
    fc.oneof(hostile, fc.string({ maxLength: 30 })).map((s) => s.replace(/[^\t\x20-\x7e]/g, '?')),
    { maxKeys: 2 },
  );
  const headerValues = fc.record(
    Object.fromEntries(
      Object.entries(op.headers)
        .filter(([k]) => k.toLowerCase() !== 'authorization')
        .map(([k, s]) => [k, schemaValue(s).map((v) => String(v).replace(/[^\t\x20-\x7e]/g, '?'))]),
    ),
    { requiredKeys: [] },
  );
  return fc
    .record({
      pathValues,
      query,
      auth,
      contentType,
      body,
      extraHeaders,
      headerValues,
      hugeHeader: fc.oneof({ weight: 30, arbitrary: fc.constant(false) }, fc.constant(true)),
      withBody: fc.oneof({ weight: 5, arbitrary: fc.constant(op.body !== undefined) }, fc.boolean()),
    })
    .map((r) => {
      let i = 0;
      const path = op.path.replace(/\{[^}]+\}/g, () => r.pathValues[i++] ?? 'x');
      const headers: Record<string, string> = {
        ...r.extraHeaders,
        ...(r.headerValues as Record<string, string>),
      };
      if (r.auth) headers.authorization = r.auth;
      if (r.hugeHeader) headers['x-padding'] = 'p'.repeat(70_000);
      const sendBody = r.withBody && op.method !== 'GET' && op.method !== 'DELETE';
      if (sendBody) headers['content-type'] = r.contentType;
      return {
        op,
        method: op.method,
        target: r.query.length ? `${path}?${r.query.join('&')}` : path,
        headers,
        body: sendBody ? r.body : undefined,
      };
    });
}
