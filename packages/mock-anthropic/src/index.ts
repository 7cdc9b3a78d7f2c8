export {
  type AnthropicErrorBody,
  type AnthropicErrorType,
  anthropicErrorStatuses,
  errorTypeForStatus,
} from './anthropic-error.js';
export {
  InvalidFaultError,
  InvalidMockOptionError,
  MockAnthropicError,
  type MockAnthropicErrorCode,
} from './errors.js';
export type {
  Fault,
  FaultScope,
  MalformedEventFault,
  OverloadedFault,
  ResetBeforeHeadersFault,
  ResetMidStreamFault,
  SlowFirstEventFault,
  StallFault,
  StatusFault,
  StreamErrorFault,
  TruncateFault,
} from './fault.js';
export type { MessageResponse, MessageUsage } from './message-composer.js';
export {
  createMockAnthropic,
  MockAnthropic,
  type MockAnthropicEvents,
  type MockAnthropicStats,
} from './mock-anthropic.js';
export { defaultDeltas, defaultMockText, expectedText, splitIntoDeltas } from './mock-text.js';
export { defaultModel, type ModelInfo, type ModelListPage, mockModels } from './model-catalog.js';
export {
  type IssuedTokens,
  OAuthTokenAuthority,
  type OAuthTokenAuthorityOptions,
  type TokenEndpointAnswer,
} from './oauth-token-authority.js';
export {
  defaultRecordCapacity,
  type MessageRequestContext,
  type MockAnthropicOptions,
  type MockTlsOptions,
  type MockUsage,
} from './options.js';
export type { ReceivedRequest } from './request-recorder.js';
export {
  formatServerSentEvent,
  parseServerSentEvents,
  parseServerSentEventText,
  type ServerSentEvent,
  ServerSentEventParser,
} from './server-sent-events.js';
export { estimateTokens } from './token-estimate.js';
