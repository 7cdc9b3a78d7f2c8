// What the vitest global setup provides to every test file (`inject('redisUrl')`).
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Redis the tests use, or '' when there is none (the Redis suites are then skipped). */
    redisUrl: string;
    /** This run's id: every key prefix from `uniqueKeyPrefix()` starts with `relay-test:<run>:`. */
    redisKeyRun: string;
  }
}
