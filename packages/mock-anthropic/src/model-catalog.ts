/** A model as `GET /v1/models` lists it. */
export interface ModelInfo {
  type: 'model';
  id: string;
  display_name: string;
  created_at: string;
  lifecycle: 'active' | 'deprecated' | 'retired';
  line: string | null;
  deprecated_at: string | null;
  retires_at: string | null;
  max_input_tokens: number | null;
  max_tokens: number | null;
  /** The mock does not describe capabilities (the API allows `null`). */
  capabilities: null;
}

/** A page of `GET /v1/models`. */
export interface ModelListPage {
  data: ModelInfo[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

/** The model the mock's examples and tests use; listed first when the `model` option names no listed model. */
export const defaultModel = 'claude-sonnet-4-6';

function model(
  id: string,
  displayName: string,
  createdAt: string,
  line: string,
  maxTokens: number,
  retiresAt: string | null = null,
): ModelInfo {
  return {
    type: 'model',
    id,
    display_name: displayName,
    created_at: createdAt,
    lifecycle: retiresAt === null ? 'active' : 'deprecated',
    line,
    deprecated_at: retiresAt === null ? null : '2026-06-01T00:00:00Z',
    retires_at: retiresAt,
    max_input_tokens: 200_000,
    max_tokens: maxTokens,
    capabilities: null,
  };
}

/**
 * The models the mock lists, newest first as the API lists them. The ids are those the official SDK
 * knows; the dates and limits are illustrative.
 */
export const mockModels: readonly ModelInfo[] = [
  model('claude-opus-4-8', 'Claude Opus 4.8', '2026-09-15T00:00:00Z', 'opus', 128_000),
  model('claude-opus-4-7', 'Claude Opus 4.7', '2026-07-01T00:00:00Z', 'opus', 128_000),
  model('claude-sonnet-4-6', 'Claude Sonnet 4.6', '2026-02-17T00:00:00Z', 'sonnet', 64_000),
  model('claude-opus-4-6', 'Claude Opus 4.6', '2026-02-05T00:00:00Z', 'opus', 128_000),
  model('claude-opus-4-5-20251101', 'Claude Opus 4.5', '2025-11-24T00:00:00Z', 'opus', 64_000, '2027-01-22T00:00:00Z'),
  model('claude-haiku-4-5-20251001', 'Claude Haiku 4.5', '2025-10-15T00:00:00Z', 'haiku', 64_000),
  model(
    'claude-sonnet-4-5-20250929',
    'Claude Sonnet 4.5',
    '2025-09-29T00:00:00Z',
    'sonnet',
    64_000,
    '2026-11-30T00:00:00Z',
  ),
];

/** The catalog of a mock whose `model` option is `configuredModel`: that model comes first if it is not listed. */
export function modelCatalog(configuredModel: string): readonly ModelInfo[] {
  if (mockModels.some((entry) => entry.id === configuredModel)) return mockModels;
  return [
    { ...(mockModels[0] as ModelInfo), id: configuredModel, display_name: configuredModel, line: null },
    ...mockModels,
  ];
}

/** One page of `catalog` for the query of `GET /v1/models` (`limit` 1–1000, default 20; `after_id`; `before_id`). */
export function listModelsPage(catalog: readonly ModelInfo[], query: URLSearchParams): ModelListPage | string {
  const limitText = query.get('limit');
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return 'limit: Input should be between 1 and 1000';
  const afterId = query.get('after_id');
  const beforeId = query.get('before_id');
  let data: ModelInfo[];
  let hasMore: boolean;
  if (beforeId !== null) {
    const end = catalog.findIndex((entry) => entry.id === beforeId);
    const stop = end === -1 ? 0 : end;
    const start = Math.max(0, stop - limit);
    data = catalog.slice(start, stop);
    hasMore = start > 0;
  } else {
    const after = afterId === null ? -1 : catalog.findIndex((entry) => entry.id === afterId);
    const start = afterId !== null && after === -1 ? catalog.length : after + 1;
    data = catalog.slice(start, start + limit);
    hasMore = start + limit < catalog.length;
  }
  return { data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}
