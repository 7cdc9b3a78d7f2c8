import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { postMessage } from '../../relay/test/api-client.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from '../../relay/test/relay-process.js';
import { browserSuiteRuns, launchChromium, saveScreenshot } from './chromium.js';

const adminToken = 'admin-token-for-the-console-tests';
const keys = { a: 'sk-ant-console-a-000000', b: 'sk-ant-console-b-000000', c: 'sk-ant-console-c-000000' };
const accountIds = Object.keys(keys) as Array<keyof typeof keys>;

describe.runIf(browserSuiteRuns())('the operator console in Chromium, against a relay process', () => {
  let mock: MockAnthropic;
  let relay: RelayProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Console errors and uncaught exceptions: a CSP violation shows up here. */
  let pageErrors: string[];
  /** Every request the page sent to the relay: URL and Authorization header. */
  let sent: Array<{ url: string; authorization: string | undefined }>;

  beforeAll(async () => {
    mock = await createMockAnthropic({ deltas: 4 });
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
    for (const id of accountIds) {
      const response = await fetch(`${relay.url}/admin/accounts/${id}/enable`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}` },
      });
      expect(response.status).toBe(200);
    }
    context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
    page = await context.newPage();
    pageErrors = [];
    sent = [];
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('request', (request) => sent.push({ url: request.url(), authorization: request.headers().authorization }));
  });

  afterEach(async () => {
    await context?.close();
  });

  afterAll(async () => {
    await browser?.close();
    await stopAllRelays();
    await mock?.close();
  });

  const signIn = async (token: string) => {
    await page.goto(`${relay.url}/dashboard`);
    await page.getByLabel('Admin token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const openAccounts = async () => {
    await signIn(adminToken);
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.locator('tr[data-account]').first().waitFor();
  };
  const row = (id: string) => page.locator(`tr[data-account="${id}"]`);
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
    const adminCalls = sent.filter((request) => new URL(request.url).pathname.startsWith('/admin/'));
    expect(adminCalls.length).toBeGreaterThan(0);
    for (const call of adminCalls) expect(call.authorization).toBe(`Bearer ${adminToken}`);
    for (const request of sent) expect(request.url).not.toContain(adminToken);
    expect(await context.cookies()).toEqual([]);
    expect(await storedToken()).toBe(adminToken);
    expect(pageErrors).toEqual([]);

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
      /cooling down until \d\d:\d\d:\d\d \((59|60) s\)/,
    );
    expect(await row('a').locator('td[data-label="Failures"]').textContent()).toBe('1');
    expect(await row('b').getAttribute('data-state')).toBe('usable');
    await saveScreenshot(page, 'account-cooling-down');
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
    expect(await page.locator('[data-figure] canvas').count()).toBe(3);
    await saveScreenshot(page, 'overview');

    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.getByLabel('Find by').selectOption('apiKeyId');
    await page.getByLabel('Value').fill('e2e-client');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.locator('tr[data-session]').first().waitFor();
    expect(await page.locator('tr[data-session]').count()).toBeGreaterThan(0);
    expect(await page.locator('td[data-label="Client key"]').first().textContent()).toBe('e2e-client');
    await saveScreenshot(page, 'sessions');
    expect(pageErrors).toEqual([]);
  });

  it('stays readable in a narrow window', async () => {
    await page.setViewportSize({ width: 380, height: 800 });
    await openAccounts();
    const box = await row('a').boundingBox();
    expect(box?.width).toBeLessThanOrEqual(380);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(380);
    await saveScreenshot(page, 'accounts-narrow');
  });
});
