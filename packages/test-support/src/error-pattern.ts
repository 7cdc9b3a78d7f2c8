import { expect } from 'vitest';

/** Any error class, abstract ones included, whatever its constructor takes. */
type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Asserts the error pattern every package follows: an instance of its own class, of the package's base class and of
 * Error, with the literal `code`, a `name` equal to the class's (also at the head of the stack).
 */
export function expectPackageError(error: Error, type: ErrorClass, base: ErrorClass, code: string): void {
  expect(error).toBeInstanceOf(type);
  expect(error).toBeInstanceOf(base);
  expect(error).toBeInstanceOf(Error);
  expect(error).toHaveProperty('code', code);
  expect(error.name).toBe(type.name);
  expect(error.stack?.startsWith(`${type.name}: `)).toBe(true);
}
