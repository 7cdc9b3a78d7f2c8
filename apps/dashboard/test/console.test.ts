import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { waitFor } from '@relay/test-support';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postMessage } from '../../relay/test/api-client.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from '../../relay/test/relay-process.js';
import { browserSuiteRuns, launchChromium, saveScreenshot } from './chromium.js';
import {
  focusOutline,
  meterText,
  type PageWatch,
  signIn as signInWith,
  tabTo as tabToIn,
  unlabelledControls as unlabelledIn,
  watchPage,
} from './console-page.js';

const adminToken = 'admin-token-for-the-console-tests';
const keys = { a: 'sk-ant-console-a-000000', b: 'sk-ant-console-b-000000', c: 'sk-ant-console-c-000000' };
const accountIds = Object.keys(keys) as Array<keyof typeof keys>;

// A browser, a relay and a mock share 2 busy cores with other suites: generous time per test.
describe.runIf(browserSuiteRuns())(
  'the operator console in Chromium, against a relay process',
  { timeout: 60_000 },
  () => {
    let mock: MockAnthropic;
    let relay: RelayProcess;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let watch: PageWatch;

    beforeAll(async () => {
      // Every answer's first byte waits 300 ms, so that the time to first byte the console shows has a known floor.
      mock = await createMockAnthropic({ deltas: 4, latencyMs: 300 });
      relay = await startRelayProcess({
        upstream: { baseUrl: mock.url, maxAttempts: 3 },
        admin: { token: adminToken },
        // a is preferred (lowest priority number), so a fault on its key is what the first request meets.
        accounts: accountIds.map((id, index) => ({ id, apiKey: keys[id], priority: index })),
      });
      browser = await launchChromium();
    });

    beforeEach(async () => {
      mock.clearFaults();
      mock.clearResponseHeaders();
      for (const id of accountIds) {
        const response = await fetch(`${relay.url}/admin/accounts/${id}/enable`, {
          method: 'POST',
          headers: { authorization: `Bearer ${adminToken}` },
        });
        expect(response.status).toBe(200);
      }
      context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
      page = await context.newPage();
      watch = watchPage(page);
    });

    afterEach(async () => {
      await context?.close();
    });

    afterAll(async () => {
      await browser?.close();
      await stopAllRelays();
      await mock?.close();
    });

    const signIn = (token: string) => signInWith(page, relay.url, token);
    const tabTo = (name: string) => tabToIn(page, name);
    const unlabelledControls = () => unlabelledIn(page);
    const openAccounts = async () => {
      await signIn(adminToken);
      await page.getByRole('link', { name: 'Accounts' }).click();
      await page.locator('tr[data-account]').first().waitFor();
    };
    const row = (id: string) => page.locator(`tr[data-account="${id}"]`);
    /**
     * Sends requests (served by a) until `shown` holds: the relay reads an account's windows when they change, and at
     * most once a second otherwise; the page polls every 2 s.
     */
    const answersUntil = (shown: () => Promise<boolean>, message: string) =>
      waitFor(
        async () => {
          expect((await postMessage(relay, { sessionId: crypto.randomUUID() })).status).toBe(200);
          return shown();
        },
        { timeoutMs: 15_000, intervalMs: 500, message },
      );
    const storedToken = () => page.evaluate(() => sessionStorage.getItem('relay.adminToken'));

    it('signs in with the admin token and lists every configured account as usable', async () => {
      await openAccounts();
      await expect.poll(() => page.locator('tr[data-account]').count()).toBe(3);
      for (const id of accountIds) {
        expect(await row(id).getAttribute('data-state')).toBe('usable');
        expect(await row(id).locator('td[data-label="State"]').textContent()).toContain('usable');
      }
      await saveScreenshot(page, 'accounts-usable');

      // The token travels as a bearer header only: never in a URL, never in a cookie.
      const adminCalls = watch.sent.filter((request) => new URL(request.url).pathname.startsWith('/admin/'));
      expect(adminCalls.length).toBeGreaterThan(0);
      for (const call of adminCalls) expect(call.authorization).toBe(`Bearer ${adminToken}`);
      for (const request of watch.sent) expect(request.url).not.toContain(adminToken);
      expect(await context.cookies()).toEqual([]);
      expect(await storedToken()).toBe(adminToken);
      expect(watch.errors).toEqual([]);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Admin token').waitFor();
      expect(await storedToken()).toBeNull();
    });

    it('refuses a wrong token and says so', async () => {
      await signIn('not-the-admin-token-at-all');
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toContain('The relay refused this token: wrong admin token');
      expect(await storedToken()).toBeNull();
      expect(await page.getByRole('navigation', { name: 'Pages' }).count()).toBe(0);
      await saveScreenshot(page, 'wrong-token');
    });

    it('shows an account cooling down within 5 s of an upstream 429', async () => {
      await openAccounts();
      mock.fault({ kind: 'status', status: 429, retryAfterSeconds: 60 }, { apiKey: keys.a });
      // The relay fails over to b, so the client gets its answer; a cools down for the 60 s the upstream asked.
      expect((await postMessage(relay, { sessionId: crypto.randomUUID() })).status).toBe(200);

      await page.locator('tr[data-account="a"][data-state="cooling-down"]').waitFor({ timeout: 5000 });
      expect(await row('a').locator('td[data-label="State"]').textContent()).toMatch(
        /cooling down until \d\d:\d\d:\d\d \((59|60) s\) — rate-limited/,
      );
      expect(await row('a').locator('td[data-label="Failures"]').textContent()).toBe('1');
      expect(await row('b').getAttribute('data-state')).toBe('usable');
      // The 429 carried exhausted windows that reset when the cool-down ends; b answered, so the session is bound there.
      expect(await meterText(row('a'), 'requests')).toMatch(
        /^Requests\/min: 4,000 of 4,000 used \(used up\), resets in (5\d|60) s$/,
      );
      expect(Number(await row('b').locator('td[data-label="Bound sessions"]').textContent())).toBeGreaterThanOrEqual(1);
      await saveScreenshot(page, 'account-cooling-down');
    });

    it("shows an account's subscription windows with their use and reset countdown", async () => {
      await openAccounts();
      const resetSeconds = Math.floor(Date.now() / 1000) + 2 * 3600 + 30 * 60;
      mock.setResponseHeaders(
        {
          'anthropic-ratelimit-unified-status': 'allowed_warning',
          'anthropic-ratelimit-unified-5h-utilization': '0.97',
          'anthropic-ratelimit-unified-5h-status': 'allowed_warning',
          'anthropic-ratelimit-unified-5h-reset': String(resetSeconds),
          'anthropic-ratelimit-unified-7d-utilization': '0.4',
          'anthropic-ratelimit-unified-7d-status': 'allowed',
          'anthropic-ratelimit-unified-7d-reset': String(resetSeconds + 3 * 86_400),
        },
        { apiKey: keys.a },
      );
      const fiveHour = row('a').locator('[data-meter="five_hour"] meter');
      await answersUntil(async () => (await fiveHour.count()) > 0, "a's 5-hour window never showed");
      expect(await meterText(row('a'), 'five_hour')).toMatch(
        /^5-hour window: 97 % used \(warned\), resets in 2 h (29|30) min$/,
      );
      expect(await fiveHour.getAttribute('value')).toBe('0.97');
      expect(await meterText(row('a'), 'seven_day')).toMatch(/^7-day window: 40 % used, resets in 3 d 0[23] h$/);
      expect(await row('a').locator('td[data-label="State"]').textContent()).toContain(
        'usable (the upstream warned about a window)',
      );
      await saveScreenshot(page, 'account-windows');
    });

    it('re-enables an account the upstream disabled', async () => {
      await openAccounts();
      mock.fault({ kind: 'status', status: 401 }, { apiKey: keys.a });
      expect((await postMessage(relay, { sessionId: crypto.randomUUID() })).status).toBe(200);
      await page.locator('tr[data-account="a"][data-state="disabled"]').waitFor({ timeout: 5000 });
      expect(await row('a').locator('td[data-label="State"]').textContent()).toContain(
        'disabled because the upstream rejected its credential',
      );
      await saveScreenshot(page, 'account-disabled');
      mock.clearFaults();

      await page.getByRole('button', { name: 'Re-enable account a' }).click();
      await page.locator('tr[data-account="a"][data-state="usable"]').waitFor({ timeout: 5000 });
      expect(await page.getByRole('status').textContent()).toBe('Account a re-enabled.');
      const stats = (await (
        await fetch(`${relay.url}/admin/stats`, { headers: { authorization: `Bearer ${adminToken}` } })
      ).json()) as { accounts: Array<{ id: string; disabled: string | false }> };
      expect(stats.accounts.find((account) => account.id === 'a')?.disabled).toBe(false);
      await saveScreenshot(page, 'account-re-enabled');
    });

    it('charts live traffic on the overview and finds the sessions it made', async () => {
      await signIn(adminToken);
      const requestsPerSecond = page.locator('[data-figure="requests"] output');
      const tokensPerSecond = page.locator('[data-figure="tokens"] output');
      await requestsPerSecond.waitFor();
      const sessionId = crypto.randomUUID();
      // Traffic until a poll has seen some (bounded: at most 60 requests over about 12 s).
      for (let sent = 0; sent < 60; sent += 1) {
        expect((await postMessage(relay, { sessionId })).status).toBe(200);
        if (Number(await requestsPerSecond.textContent()) > 0 && Number(await tokensPerSecond.textContent()) > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(Number(await requestsPerSecond.textContent())).toBeGreaterThan(0);
      expect(Number(await tokensPerSecond.textContent())).toBeGreaterThan(0);
      // The mock holds every first byte 300 ms: the histogram's estimate cannot be below its 250 ms bucket bound.
      const milliseconds = async (name: string) => {
        const text = (await page.locator(`[data-figure="ttfb"] output[data-value="${name}"]`).textContent()) ?? '';
        expect(text).toMatch(/^\d+ ms$/);
        return Number.parseInt(text, 10);
      };
      expect(await milliseconds('p50')).toBeGreaterThanOrEqual(250);
      expect(await milliseconds('p99')).toBeGreaterThanOrEqual(await milliseconds('p50'));
      expect(await page.locator('[data-figure] canvas').count()).toBe(5);
      await saveScreenshot(page, 'overview');

      await page.getByRole('link', { name: 'Sessions' }).click();
      await page.getByLabel('Find by').selectOption('apiKeyId');
      await page.getByLabel('Value').fill('e2e-client');
      await page.getByRole('button', { name: 'Find' }).click();
      await page.locator('tr[data-session]').first().waitFor();
      expect(await page.locator('tr[data-session]').count()).toBeGreaterThan(0);
      expect(await page.locator('td[data-label="Client key"]').first().textContent()).toBe('e2e-client');
      await saveScreenshot(page, 'sessions');
      expect(watch.errors).toEqual([]);
    });

    it('stays readable in a narrow window', async () => {
      await page.setViewportSize({ width: 380, height: 800 });
      // Subscription windows that reset hours away, so that a's row carries bars however late the page looks (the
      // mock's per-minute windows reset at the next full minute, which may pass before the page is open).
      mock.setResponseHeaders(
        {
          'anthropic-ratelimit-unified-status': 'allowed',
          'anthropic-ratelimit-unified-5h-utilization': '0.5',
          'anthropic-ratelimit-unified-5h-reset': String(Math.floor(Date.now() / 1000) + 3 * 3600),
        },
        { apiKey: keys.a },
      );
      await openAccounts();
      await answersUntil(
        async () => (await row('a').locator('[data-meter="five_hour"]').count()) > 0,
        "a's subscription window never showed",
      );
      const box = await row('a').boundingBox();
      expect(box?.width).toBeLessThanOrEqual(380);
      const pageWidth = () => page.evaluate(() => document.documentElement.scrollWidth);
      expect(await pageWidth()).toBeLessThanOrEqual(380);
      await saveScreenshot(page, 'accounts-narrow');
      for (const name of ['Overview', 'Keys', 'Sessions']) {
        await page.getByRole('link', { name }).click();
        await page.getByRole('heading', { level: 2, name }).waitFor();
        expect(await pageWidth()).toBeLessThanOrEqual(380);
        await saveScreenshot(page, `${name.toLowerCase()}-narrow`);
      }
    });

    it('can be used from the keyboard alone, with every control labelled and focus visible', async () => {
      await page.goto(`${relay.url}/dashboard`);
      expect(await unlabelledControls()).toEqual([]);
      await tabTo('Admin token');
      await page.keyboard.type(adminToken);
      await page.keyboard.press('Enter');
      await page.getByRole('navigation', { name: 'Pages' }).waitFor();
      expect(await unlabelledControls()).toEqual([]);

      mock.fault({ kind: 'status', status: 401 }, { apiKey: keys.a });
      expect((await postMessage(relay, { sessionId: crypto.randomUUID() })).status).toBe(200);
      mock.clearFaults();
      await tabTo('Accounts');
      await page.keyboard.press('Enter');
      await page.locator('tr[data-account="a"][data-state="disabled"]').waitFor({ timeout: 5000 });
      expect(await unlabelledControls()).toEqual([]);
      await tabTo('Re-enable account a');
      expect(await focusOutline(page)).not.toBe('none');
      await saveScreenshot(page, 'keyboard-focus');
      await page.keyboard.press('Enter');
      await page.locator('tr[data-account="a"][data-state="usable"]').waitFor({ timeout: 5000 });

      for (const name of ['Keys', 'Sessions', 'Overview']) {
        await tabTo(name);
        await page.keyboard.press('Enter');
        await page.getByRole('heading', { level: 2, name }).waitFor();
        expect(await unlabelledControls()).toEqual([]);
      }
      expect(watch.errors).toEqual([]);
    });
  },
);
