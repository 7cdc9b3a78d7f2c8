import type { KeyLimits } from '@relay/quota';
import { z } from 'zod';
import { clientSchema, expiresAtSchema, keyLimitsSchema } from '../config/config-schema.js';
import { describeFirstIssue } from '../config/load-config.js';
import type { KeyPatch } from './key-patch.js';
import { keyIdSchema } from './key-record.js';

// The admin API validates with the config's own schemas: a key means the same in the file and through the API.
const userIdSchema = clientSchema.shape.userId.unwrap().max(200);
const modelsSchema = clientSchema.shape.models.unwrap();

const createKeySchema = z
  .object({
    id: keyIdSchema,
    userId: userIdSchema.optional(),
    models: modelsSchema.optional(),
    expiresAt: expiresAtSchema.optional(),
    limits: keyLimitsSchema.optional(),
  })
  .strict();

const updateKeySchema = z
  .object({
    userId: userIdSchema.nullable().optional(),
    models: modelsSchema.nullable().optional(),
    expiresAt: expiresAtSchema.nullable().optional(),
    limits: keyLimitsSchema.nullable().optional(),
  })
  .strict();

/** What `POST /admin/keys` asks for, validated: times in epoch ms. */
export interface CreateKeyInput {
  id: string;
  userId?: string;
  models?: readonly string[];
  expiresAt?: number;
  limits?: KeyLimits;
}

/** Input that fails validation; `field` is the dotted path of the first bad field. */
export class KeyInputError extends Error {
  readonly code = 'RELAY_ERR_KEYS_INPUT' as const;
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'KeyInputError';
  }
}

/** Validates the body of `POST /admin/keys`; throws KeyInputError naming the field. */
export function parseCreateKeyInput(body: unknown): CreateKeyInput {
  const input = validate(createKeySchema, body);
  return {
    id: input.id,
    ...(input.userId !== undefined ? { userId: input.userId } : {}),
    ...(input.models ? { models: input.models } : {}),
    ...(input.expiresAt !== undefined ? { expiresAt: epochMs(input.expiresAt) } : {}),
    ...(input.limits ? { limits: input.limits as KeyLimits } : {}),
  };
}

/** Validates the body of `PATCH /admin/keys/:id`; throws KeyInputError naming the field. */
export function parseKeyPatch(body: unknown): KeyPatch {
  const input = validate(updateKeySchema, body);
  const patch: KeyPatch = {};
  if (input.userId !== undefined) patch.userId = input.userId;
  if (input.models !== undefined) patch.models = input.models;
  if (input.expiresAt !== undefined) patch.expiresAt = input.expiresAt === null ? null : epochMs(input.expiresAt);
  if (input.limits !== undefined) patch.limits = input.limits as KeyLimits | null;
  return patch;
}

function validate<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const { field, message } = describeFirstIssue(result.error);
  throw new KeyInputError(`invalid key: ${field}: ${message}`, field);
}

function epochMs(value: string | number): number {
  return typeof value === 'number' ? value : Date.parse(value);
}
