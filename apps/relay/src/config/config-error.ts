/** A configuration the relay cannot start with; the message names the field (never its value: it may be a secret). */
export class ConfigError extends Error {
  readonly code = 'RELAY_ERR_CONFIG';
  constructor(
    message: string,
    /** The dotted path of the offending field, e.g. `accounts[0].proxy`. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}
