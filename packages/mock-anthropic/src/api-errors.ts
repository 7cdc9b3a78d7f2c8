// The `@relay/mock-anthropic/api-errors` entry: the API's error vocabulary without the mock server, so that
// production code (the relay) can share it without loading anything else of this package.
export {
  type AnthropicErrorBody,
  type AnthropicErrorType,
  anthropicErrorBody,
  anthropicErrorStatuses,
  errorTypeForStatus,
} from './anthropic-error.js';
