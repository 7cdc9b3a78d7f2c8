/** The part of a stream the progress line writes to (process.stdout, or a test's collector). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * The live progress of a run. On a TTY it is one line rewritten in place; elsewhere (CI logs, pipes) each
 * update is a plain line, and an update that repeats the previous one is dropped so logs stay readable.
 */
export class ProgressLine {
  readonly #stream: ProgressStream;
  readonly #interactive: boolean;
  #current = '';
  #lastPlain = '';

  constructor(stream: ProgressStream) {
    this.#stream = stream;
    this.#interactive = stream.isTTY === true;
  }

  /** Shows `text` as the current state of `scenario`. */
  update(scenario: string, text: string): void {
    const line = `[${scenario}] ${text}`;
    if (this.#interactive) {
      this.#current = line;
      this.#stream.write(`\r\x1b[2K${this.#fit(line)}`);
      return;
    }
    if (line === this.#lastPlain) return;
    this.#lastPlain = line;
    this.#stream.write(`${line}\n`);
  }

  /** Writes a line that stays (a note, a result, an error) without losing the live line. */
  log(text: string): void {
    if (this.#interactive && this.#current !== '') {
      this.#stream.write(`\r\x1b[2K${text}\n${this.#fit(this.#current)}`);
      return;
    }
    this.#stream.write(`${text}\n`);
  }

  /** Clears the live line (before the final tables). */
  clear(): void {
    if (this.#interactive && this.#current !== '') this.#stream.write('\r\x1b[2K');
    this.#current = '';
  }

  #fit(line: string): string {
    // A pseudo-terminal may report 0 columns: fall back to a common width rather than cut everything.
    const columns = this.#stream.columns ?? 0;
    const width = columns >= 20 ? columns : 120;
    return line.length < width ? line : `${line.slice(0, Math.max(0, width - 2))}…`;
  }
}
