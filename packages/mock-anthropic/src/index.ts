/** The name this package is published under. */
export const packageName = '@relay/mock-anthropic';
