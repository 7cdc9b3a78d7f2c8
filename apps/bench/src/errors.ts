/** Base of the runner's own errors: a stable `code` a script or a test can match on. */
export class BenchError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The command line could not be understood. */
export class BenchArgumentError extends BenchError {
  constructor(message: string, options?: ErrorOptions) {
    super('RELAY_ERR_BENCH_ARGUMENT', message, options);
  }
}

/** A scenario name that no file in the scenarios folder provides. */
export class UnknownScenarioError extends BenchError {
  readonly known: readonly string[];

  constructor(name: string, known: readonly string[]) {
    super(
      'RELAY_ERR_BENCH_UNKNOWN_SCENARIO',
      `unknown scenario "${name}"; known scenarios: ${known.length > 0 ? known.join(', ') : '(none built)'}, all`,
    );
    this.known = known;
  }
}

/** A scenario file that does not default-export a `Scenario`, or a scenarios folder that cannot be read. */
export class InvalidScenarioError extends BenchError {
  constructor(message: string, options?: ErrorOptions) {
    super('RELAY_ERR_BENCH_INVALID_SCENARIO', message, options);
  }
}

/** A results file that is not the runner's JSON (unparsable, empty, or rows of the wrong shape). */
export class InvalidResultsError extends BenchError {
  constructor(message: string, options?: ErrorOptions) {
    super('RELAY_ERR_BENCH_INVALID_RESULTS', message, options);
  }
}

/** Something the benchmark needs (Redis, a child server, a claim's unit) is not as it must be. */
export class BenchSetupError extends BenchError {
  constructor(message: string, options?: ErrorOptions) {
    super('RELAY_ERR_BENCH_SETUP', message, options);
  }
}
