/** One measured figure of a scenario, as written to `--json` and the tables. */
export interface ResultRow {
  /** The scenario that measured it (`pool`, `sessions`, `metrics`, `relay`). */
  scenario: string;
  /** What was measured, e.g. `cache hit` or `create (memory)`. */
  name: string;
  /** The headline figure (the median over rounds for timings). */
  value: number;
  /** Its unit: `ns/op`, `µs/op`, `ms`, `ops/s`, `req/s`, `bytes`, `commands/op`, ... */
  unit: string;
  p50?: number;
  p99?: number;
  /** Smallest and largest round median, the spread a reader should trust the value within. */
  min?: number;
  max?: number;
  /** The name of the baseline this row is compared with, measured in the same run. */
  baseline?: string;
  /** value / baseline value (for throughput rows: how many times the baseline's rate). */
  ratio?: number;
  /** The seed document's claim for this figure, if it made one, and whether this run beats it. */
  claim?: { text: string; beaten: boolean };
}

/** What a scenario gets from the runner. */
export interface ScenarioContext {
  /** Brief run for CI: every scenario well under a minute in all; never assert timings. */
  readonly quick: boolean;
  /** The Redis to use (the runner starts a private one when REDIS_URL is not given), or undefined. */
  readonly redisUrl: string | undefined;
  /** Records one result row. */
  report(row: Omit<ResultRow, 'scenario'>): void;
  /** Updates the live progress line (a plain line when stdout is not a TTY). */
  progress(text: string): void;
  /**
   * Records a note the reader must see beside the figures (printed now, and kept in the tables, `--json` and
   * `--md`), e.g. why some rows are skipped. Optional so that hand-made contexts in tests need not provide it.
   */
  note?(text: string): void;
}

/** A benchmark scenario: one file in src/scenarios/, whose default export is this. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  run(context: ScenarioContext): Promise<void>;
}
