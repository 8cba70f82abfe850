import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { assertCleanText, isTenderError, TenderError } from '@tender/core';
import {
  type CircuitArtifactKind,
  circuitArtifact,
  getCircuitView,
  listCircuits,
  parseSampleInput,
  registerBuiltinCircuit,
  registerCircuitArtifacts,
} from '@tender/market';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiContext } from '../context.ts';
import { requesterAuth, requesterOf } from '../plugins/requesterAuth.ts';

/** Largest accepted upload per artifact, bytes. */
export interface CircuitUploadLimits {
  wasm: number;
  zkey: number;
  vkey: number;
  r1cs: number;
  sym: number;
  /** The `modelCard` (and a `vkey` sent as a text field) JSON text. */
  field: number;
  /** Total bytes of the wasm, zkey and vkey stored for one requester, all circuits together. */
  perRequesterBytes: number;
}

/** Default upload limits: room for large zkML circuits, nothing unbounded. */
export const defaultCircuitUploadLimits: CircuitUploadLimits = {
  wasm: 64 * 2 ** 20,
  zkey: 2 * 2 ** 30,
  vkey: 2 ** 20,
  r1cs: 2 ** 30,
  sym: 256 * 2 ** 20,
  field: 2 ** 20,
  perRequesterBytes: 8 * 2 ** 30,
};

const FILE_KINDS = ['wasm', 'zkey', 'vkey', 'r1cs', 'sym'] as const;
type FileKind = (typeof FILE_KINDS)[number];
const isFileKind = (name: string): name is FileKind => (FILE_KINDS as readonly string[]).includes(name);

const problem = { $ref: 'Problem#' } as const;
const hex32 = { type: 'string', pattern: '^0x[0-9a-f]{64}$' } as const;
const artifactSchema = {
  type: 'object',
  required: ['sha256', 'size'],
  properties: {
    sha256: { ...hex32, description: 'sha256 of the file (its ETag on download).' },
    size: { type: 'integer', description: 'Bytes.' },
  },
} as const;

/** JSON schema of a {@link CircuitView}. */
export const circuitViewSchema = {
  type: 'object',
  required: [
    'id',
    'name',
    'builtin',
    'artifacts',
    'vkeyHash',
    'constraints',
    'publicSignalNames',
    'inputSignals',
    'modelCard',
    'registration',
    'createdAt',
  ],
  properties: {
    id: {
      ...hex32,
      description:
        'The circuit id: sha256 over the raw sha256 digests of wasm ‖ zkey ‖ vkey (content-addressed); also its key in CircuitRegistry.',
    },
    name: { type: 'string', description: 'Display name (built-in circuits: mnist, tiny).' },
    builtin: { type: 'boolean', description: 'Shipped with Tender (built from a committed model).' },
    artifacts: {
      type: 'object',
      required: ['wasm', 'zkey', 'vkey'],
      properties: {
        wasm: { ...artifactSchema, description: 'Witness generator (GET …/artifacts/wasm).' },
        zkey: { ...artifactSchema, description: 'Groth16 proving key (GET …/artifacts/zkey).' },
        vkey: { ...artifactSchema, description: 'Verification key JSON (GET …/artifacts/vkey).' },
      },
      description: 'The downloadable artifacts.',
    },
    vkeyHash: {
      anyOf: [hex32, { type: 'null' }],
      description: 'Hash of the verification key as registered on-chain (CircuitRegistry).',
    },
    constraints: { type: 'integer', description: 'R1CS constraints (sizes the proving work).' },
    publicSignalNames: {
      type: 'array',
      items: { type: 'string' },
      description: 'Names of the public signals, outputs first, in proof order.',
    },
    inputSignals: {
      type: 'array',
      description: 'The input signals a job must supply.',
      items: {
        type: 'object',
        required: ['name', 'size', 'public'],
        properties: {
          name: { type: 'string', description: 'Signal name (the key in a job’s `input`).' },
          size: { type: 'integer', description: 'Number of field elements (1 for a scalar).' },
          public: { type: 'boolean', description: 'Whether it is a public input.' },
        },
      },
    },
    modelCard: {
      anyOf: [{ type: 'object', additionalProperties: true }, { type: 'null' }],
      description:
        'zkML circuits: model commitment (Poseidon of the quantized weights), quantization scale, shapes.',
    },
    registration: {
      anyOf: [
        {
          type: 'object',
          required: ['txHash', 'registeredAt'],
          properties: {
            txHash: { anyOf: [hex32, { type: 'null' }], description: 'The registration transaction.' },
            registeredAt: {
              type: 'string',
              format: 'date-time',
              description: 'When it was registered on-chain.',
            },
          },
        },
        { type: 'null' },
      ],
      description: 'The on-chain registration (null until registered).',
    },
    createdAt: { type: 'string', format: 'date-time', description: 'When it was stored (ISO 8601).' },
  },
} as const;

const contentTypes: Record<CircuitArtifactKind, string> = {
  wasm: 'application/wasm',
  zkey: 'application/octet-stream',
  vkey: 'application/json',
};

/** Counts bytes through; past `limit` it stops passing them on (the rest is drained) and flags it. */
function byteLimit(limit: number): Transform & { exceeded: boolean; seen: number } {
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      t.seen += chunk.length;
      if (t.seen > limit) {
        t.exceeded = true;
        return done();
      }
      done(null, chunk);
    },
  }) as Transform & { exceeded: boolean; seen: number };
  t.exceeded = false;
  t.seen = 0;
  return t;
}

function tooLarge(kind: string, limit: number): TenderError {
  return new TenderError('TENDER_ARTIFACT_TOO_LARGE', `${kind} is larger than ${limit} bytes`, {
    details: { kind, limit },
  });
}

function fieldError(field: string, message: string): TenderError {
  return new TenderError('TENDER_VALIDATION_FAILED', `body.${field}: ${message}`, {
    details: { field: `body.${field}` },
  });
}

/**
 * An error from reading the multipart body itself (no boundary, a malformed
 * part header, a body cut short) is the client's: 400. Limit errors keep their
 * 4xx status; anything else stays as it is.
 */
function malformedMultipart(error: unknown): unknown {
  if (isTenderError(error)) return error;
  const status = (error as { statusCode?: number }).statusCode;
  if (status !== undefined && status >= 400 && status < 500) return error;
  return new TenderError(
    'TENDER_VALIDATION_FAILED',
    `body: malformed multipart body (${(error as Error).message})`,
    {
      details: { field: 'body' },
      cause: error,
    },
  );
}

async function receiveUpload(
  request: FastifyRequest,
  ctx: ApiContext,
  limits: CircuitUploadLimits,
  reply: FastifyReply,
) {
  const requesterId = requesterOf(request).requesterId;
  const stored = await ctx.market.prisma.circuit.aggregate({
    where: { requesterId },
    _sum: { wasmSize: true, zkeySize: true, vkeySize: true },
  });
  const used =
    Number(stored._sum.wasmSize ?? 0n) +
    Number(stored._sum.zkeySize ?? 0n) +
    Number(stored._sum.vkeySize ?? 0n);
  let budget = limits.perRequesterBytes - used;
  const quotaExceeded = () =>
    new TenderError(
      'TENDER_UPLOAD_QUOTA_EXCEEDED',
      `this upload would exceed the requester's ${limits.perRequesterBytes} stored bytes`,
      {
        details: { quota: limits.perRequesterBytes, used },
      },
    );
  if (budget <= 0) throw quotaExceeded();
  await mkdir(ctx.artifactsDir, { recursive: true });
  const tmp = await mkdtemp(path.join(ctx.artifactsDir, '.upload-'));
  try {
    const files: Partial<Record<FileKind, string>> = {};
    const fields: Record<string, string> = {};
    let failure: TenderError | undefined;
    const parts = request.parts();
    for (;;) {
      let next: Awaited<ReturnType<typeof parts.next>>;
      try {
        next = await parts.next();
      } catch (error) {
        throw malformedMultipart(error);
      }
      if (next.done) break;
      const part = next.value;
      if (part.type === 'file') {
        const kind = part.fieldname;
        if (!isFileKind(kind) || files[kind] !== undefined || failure !== undefined) {
          failure ??= fieldError(kind, isFileKind(kind) ? 'sent twice' : 'is not a circuit artifact');
          part.file.resume();
          continue;
        }
        const dest = path.join(tmp, kind);
        const counted = kind === 'wasm' || kind === 'zkey' || kind === 'vkey';
        const cap = counted ? Math.min(limits[kind], budget) : limits[kind];
        const limit = byteLimit(cap);
        await pipeline(part.file, limit, createWriteStream(dest));
        if (limit.exceeded || part.file.truncated) {
          failure = cap < limits[kind] ? quotaExceeded() : tooLarge(kind, limits[kind]);
          continue;
        }
        if (counted) budget -= limit.seen;
        files[kind] = dest;
      } else {
        if (part.valueTruncated) failure ??= tooLarge(part.fieldname, limits.field);
        fields[part.fieldname] = String(part.value);
      }
    }
    if (failure !== undefined) throw failure;
    assertCleanText(fields, 'body');
    if (files.vkey === undefined && fields.vkey !== undefined) {
      files.vkey = path.join(tmp, 'vkey');
      await writeFile(files.vkey, fields.vkey);
    }
    const name = fields.name;
    if (name === undefined || name.trim() === '') throw fieldError('name', 'is required');
    for (const kind of FILE_KINDS) {
      if (files[kind] === undefined) throw fieldError(kind, 'file is required');
    }
    let modelCard: Record<string, unknown> | undefined;
    if (fields.modelCard !== undefined) {
      try {
        modelCard = JSON.parse(fields.modelCard) as Record<string, unknown>;
      } catch {
        throw fieldError('modelCard', 'is not JSON');
      }
      if (typeof modelCard !== 'object' || modelCard === null || Array.isArray(modelCard)) {
        throw fieldError('modelCard', 'must be a JSON object');
      }
      assertCleanText(modelCard, 'body.modelCard');
    }
    const sampleInput = parseSampleInput(fields.sampleInput);
    const result = await registerCircuitArtifacts(ctx.market, ctx.operator, ctx.artifactsDir, {
      name,
      wasmPath: files.wasm as string,
      zkeyPath: files.zkey as string,
      vkeyPath: files.vkey as string,
      r1csPath: files.r1cs as string,
      symPath: files.sym as string,
      requesterId,
      ...(modelCard === undefined ? {} : { modelCard }),
      ...(sampleInput === undefined ? {} : { sampleInput }),
    });
    return reply.code(result.created ? 201 : 200).send(result.circuit);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === etag);
}

/**
 * The circuit routes with the given upload limits:
 * - `POST /v1/circuits` (API key): multipart upload — files `wasm`, `zkey`,
 *   `vkey` (snarkjs JSON; a text field works too), `r1cs` and `sym` (circom's
 *   outputs: constraint count and signal names come from them), fields `name`
 *   and optional `modelCard` (JSON) — or JSON `{ "builtin": "mnist" }`.
 *   201 with the circuit when new, 200 when the same artifacts were registered before.
 * - `GET /v1/circuits`, `GET /v1/circuits/:id` (public).
 * - `GET /v1/circuits/:id/artifacts/:kind` (public; `wasm`, `zkey`, `vkey`):
 *   ETag = the sha256, `If-None-Match` → 304, single `Range` → 206.
 */
export function circuitRoutesWith(
  limits: CircuitUploadLimits,
): (app: FastifyInstance, ctx: ApiContext) => Promise<void> {
  return async (app: FastifyInstance, ctx: ApiContext) => {
    const auth = requesterAuth(app, ctx);
    await app.register(async (scope) => {
      await scope.register(fastifyStatic, { root: ctx.artifactsDir, serve: false });
      await scope.register(multipart, {
        throwFileSizeLimit: false,
        limits: {
          fileSize: Math.max(limits.wasm, limits.zkey, limits.vkey, limits.r1cs, limits.sym) + 1,
          fieldSize: limits.field,
          files: FILE_KINDS.length,
          fields: 4,
          parts: FILE_KINDS.length + 4,
        },
      });

      scope.post(
        '/v1/circuits',
        {
          onRequest: auth,
          schema: {
            tags: ['circuits'],
            summary: 'Register a circuit: multipart upload, or JSON { builtin } for a circuit Tender ships',
            description:
              'multipart/form-data: files wasm, zkey, vkey, r1cs, sym; fields name, modelCard (JSON), ' +
              'sampleInput (JSON, default all zeros). Every artifact is checked before anything is stored: ' +
              'zkey and r1cs parse completely, the zkey was set up for the r1cs, the wasm computes a ' +
              'witness of sampleInput that satisfies the r1cs, the vkey is the zkey’s, and a proof made ' +
              'now verifies (422 naming details.kind and details.check). Artifacts are stored by sha256 ' +
              'and the verification key is registered on-chain, at most CIRCUIT_REGISTRATIONS_PER_DAY ' +
              'new circuits per requester per 24 h (429).',
            consumes: ['multipart/form-data', 'application/json'],
            body: {
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['builtin'],
                    additionalProperties: false,
                    properties: {
                      builtin: {
                        type: 'string',
                        minLength: 1,
                        maxLength: 64,
                        description: 'A built-in circuit to register: mnist or tiny.',
                      },
                    },
                  },
                },
              },
            },
            response: {
              200: circuitViewSchema,
              201: circuitViewSchema,
              400: problem,
              401: problem,
              413: problem,
              422: problem,
              429: problem,
            },
          },
        },
        async (request, reply) => {
          if (request.isMultipart()) return receiveUpload(request, ctx, limits, reply);
          const { builtin } = request.body as { builtin: string };
          const result = await registerBuiltinCircuit(ctx.market, ctx.operator, ctx.artifactsDir, builtin, {
            ...(ctx.ptau === undefined ? {} : { ptau: ctx.ptau }),
          });
          return reply.code(result.created ? 201 : 200).send(result.circuit);
        },
      );

      scope.get(
        '/v1/circuits',
        {
          schema: {
            tags: ['circuits'],
            summary: 'Registered circuits, built-in ones first',
            response: {
              200: {
                type: 'object',
                required: ['items'],
                properties: {
                  items: { type: 'array', items: circuitViewSchema, description: 'Built-in circuits first.' },
                },
              },
            },
          },
        },
        async () => ({ items: await listCircuits(ctx.market) }),
      );

      scope.get(
        '/v1/circuits/:id',
        {
          schema: {
            tags: ['circuits'],
            summary: 'A circuit: hashes, constraints, signals, model card, on-chain registration',
            params: {
              type: 'object',
              required: ['id'],
              properties: { id: { type: 'string', maxLength: 66 } },
            },
            response: { 200: circuitViewSchema, 404: problem },
          },
        },
        async (request) => getCircuitView(ctx.market, (request.params as { id: string }).id),
      );

      scope.get(
        '/v1/circuits/:id/artifacts/:kind',
        {
          schema: {
            tags: ['circuits'],
            summary: 'Download an artifact (ETag = sha256; If-None-Match and Range supported)',
            params: {
              type: 'object',
              required: ['id', 'kind'],
              properties: {
                id: { type: 'string', maxLength: 66 },
                kind: { type: 'string', enum: ['wasm', 'zkey', 'vkey'] },
              },
            },
            response: {
              200: { type: 'string', format: 'binary' },
              206: { type: 'string', format: 'binary' },
              304: { type: 'null' },
              404: problem,
              416: problem,
            },
          },
        },
        async (request, reply) => {
          const { id, kind } = request.params as { id: string; kind: CircuitArtifactKind };
          const artifact = await circuitArtifact(ctx.market, id, kind);
          const etag = `"${artifact.sha256}"`;
          reply
            .header('etag', etag)
            .header('accept-ranges', 'bytes')
            .header('cache-control', 'public, max-age=31536000, immutable');
          if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();
          reply.type(contentTypes[kind]);
          // Range, If-Range and 416 by @fastify/static (send); the ETag is the content's sha256, set above
          return reply.sendFile(path.basename(artifact.path), path.dirname(artifact.path), {
            etag: false,
            lastModified: false,
            cacheControl: false,
            acceptRanges: true,
          });
        },
      );
    });
  };
}

/** The circuit routes with {@link defaultCircuitUploadLimits}. */
export const circuitRoutes: (app: FastifyInstance, ctx: ApiContext) => Promise<void> =
  circuitRoutesWith(defaultCircuitUploadLimits);
