import { describe, expect, it } from 'vitest';
import { adminUrlOf } from './admin-url.js';

describe('adminUrlOf', () => {
  it.each([
    [{ host: '127.0.0.1', port: 3000 }, 'http://127.0.0.1:3000'],
    [{ host: '0.0.0.0', port: 8080 }, 'http://127.0.0.1:8080'],
    [{ host: '::', port: 8080 }, 'http://[::1]:8080'],
    [{ host: '::1', port: 3000 }, 'http://[::1]:3000'],
    [{ host: '10.0.0.5', port: 3000 }, 'http://10.0.0.5:3000'],
    [{ host: 'relay.internal', port: 443 }, 'http://relay.internal:443'],
  ])('%j → %s', (listen, url) => {
    expect(adminUrlOf(listen)).toBe(url);
  });
});
