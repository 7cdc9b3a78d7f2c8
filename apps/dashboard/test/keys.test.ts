import Anthropic from '@anthropic-ai/sdk';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { waitFor } from '@relay/test-support';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RelayProcess, startRelayProcess, stopAllRelays } from '../../relay/test/relay-process.js';
import { usdText } from '../src/format.js';
import { browserSuiteRuns, launchChromium, saveScreenshot } from './chromium.js';
import { meterText, type PageWatch, signIn, unlabelledControls, watchPage } from './console-page.js';

const adminToken = 'admin-token-for-the-keys-tests';
const request = {
  model: 'claude-sonnet-4-6',
  max_tokens: 16,
  messages: [{ role: 'user' as const, content: 'Hello from a key made in the console' }],
};

// A browser, a relay and a mock share 2 busy cores with other suites: generous time per test.
describe.runIf(browserSuiteRuns())('the Keys page in Chromium, against a relay process', { timeout: 60_000 }, () => {
  let mock: MockAnthropic;
  let relay: RelayProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let watch: PageWatch;

  beforeAll(async () => {
    mock = await createMockAnthropic({ deltas: 4 });
    relay = await startRelayProcess({
      upstream: { baseUrl: mock.url },
      admin: { token: adminToken },
      accounts: [{ id: 'a', apiKey: 'sk-ant-keys-a-000000' }],
    });
    browser = await launchChromium();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: relay.url });
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

  const openKeys = async () => {
    await signIn(page, relay.url, adminToken);
    await page.getByRole('link', { name: 'Keys' }).click();
    await page.getByRole('heading', { level: 2, name: 'Keys' }).waitFor();
  };
  const row = (id: string) => page.locator(`tr[data-key="${id}"]`);
  const cell = (id: string, label: string) => row(id).locator(`td[data-label="${label}"]`);
  const sdk = (key: string) => new Anthropic({ apiKey: key, baseURL: relay.url, maxRetries: 0 });
  const createKey = async (body: Record<string, unknown>) => {
    const created = await fetch(`${relay.url}/admin/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(created.status).toBe(201);
    return ((await created.json()) as { key: string }).key;
  };
  const dollars = (text: string | null) => Number((text ?? '').replace(/^\$/, ''));
  const resetText = async (scope: Locator, id: string) =>
    ((await scope.locator(`[data-meter="${id}"] .meter-reset`).textContent()) ?? '').replace(/^resets in /, '');
  /** Polls until `check` holds (the page polls the keys every 2 s and the ledger every 5 s). */
  const eventually = (check: () => Promise<boolean>, what: string) =>
    waitFor(check, { timeoutMs: 15_000, intervalMs: 200, message: what });

  it('creates a key with limits and a budget, shows it once with a copy button, and shows its last use', async () => {
    const id = `console-${crypto.randomUUID().slice(0, 8)}`;
    await openKeys();
    await page.getByLabel('Key id').fill(id);
    await page.getByLabel('User id').fill('alice@example.com');
    await page.getByLabel('Models').fill('claude-sonnet-*, claude-haiku-*');
    await page.getByLabel('Requests per minute').fill('60');
    await page.getByRole('button', { name: 'Add a budget' }).click();
    await page.getByLabel('Budget 1, dollars').fill('5');
    await page.getByLabel('window').selectOption('day');
    expect(await unlabelledControls(page)).toEqual([]);
    await page.getByRole('button', { name: 'Create key' }).click();

    const secretField = page.getByLabel(`The new key of ${id}`);
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret.length).toBeGreaterThanOrEqual(16);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await row(id).waitFor();
    expect(await cell(id, 'User').textContent()).toBe('alice@example.com');
    expect(await cell(id, 'Models').textContent()).toBe('claude-sonnet-*, claude-haiku-*');
    expect(await row(id).locator('[data-meter="requestsPerMinute"]').textContent()).toContain('Requests/min');
    expect(await row(id).locator('[data-meter="budget-0"]').textContent()).toContain('Budget today (UTC)');
    expect(await cell(id, 'Last used').textContent()).toBe('never');
    // The relay took the form's limits as typed.
    const stored = (await (
      await fetch(`${relay.url}/admin/keys/${id}`, { headers: { authorization: `Bearer ${adminToken}` } })
    ).json()) as { limits?: unknown; models?: unknown; userId?: unknown };
    expect(stored).toMatchObject({
      userId: 'alice@example.com',
      models: ['claude-sonnet-*', 'claude-haiku-*'],
      limits: { requestsPerMinute: 60, budgets: [{ usd: 5, window: 'day' }] },
    });
    await saveScreenshot(page, 'key-created');

    // Shown once: gone from the page when dismissed, and never in the list or any later answer.
    await page.getByRole('button', { name: 'Done, hide it' }).click();
    expect(await page.content()).not.toContain(secret);
    const listed = await (
      await fetch(`${relay.url}/admin/keys`, { headers: { authorization: `Bearer ${adminToken}` } })
    ).text();
    expect(listed).not.toContain(secret);

    const message = await sdk(secret).messages.create(request);
    expect(message.stop_reason).toBe('end_turn');
    await eventually(async () => (await cell(id, 'Last used').textContent()) !== 'never', 'the last use never showed');
    await saveScreenshot(page, 'key-used');
    expect(watch.errors).toEqual([]);
  });

  it("counts a key's requests and cost as the SDK uses it, against its limits and budget, and the day's cost", async () => {
    const id = `usage-${crypto.randomUUID().slice(0, 8)}`;
    const key = await createKey({ id, limits: { requestsPerMinute: 60, budgets: [{ usd: 5, window: 'day' }] } });
    await openKeys();
    await row(id).waitFor();
    await eventually(async () => (await cell(id, 'Requests').textContent()) === '0', 'the request count never showed');
    expect(await cell(id, 'Cost').textContent()).toBe('$0.00');

    expect((await sdk(key).messages.create(request)).stop_reason).toBe('end_turn');
    await eventually(
      async () => (await cell(id, 'Requests').textContent()) === '1',
      'the request count never reached 1',
    );
    const cost = dollars(await cell(id, 'Cost').textContent());
    expect(cost).toBeGreaterThan(0);
    // The budget's bar is the ledger's exact spend today; the rate's the limiter's (leased shares count as used).
    await eventually(
      async () =>
        (await meterText(row(id), 'budget-0')) ===
        `Budget today (UTC): ${usdText(cost)} of $5.00, resets in ${await resetText(row(id), 'budget-0')}`,
      "the budget's bar never showed the cost",
    );
    expect(await meterText(row(id), 'requestsPerMinute')).toMatch(/^Requests\/min: up to \d+ of 60$/);
    await saveScreenshot(page, 'key-usage');

    expect((await sdk(key).messages.create(request)).stop_reason).toBe('end_turn');
    await eventually(
      async () => (await cell(id, 'Requests').textContent()) === '2',
      'the request count never reached 2',
    );
    expect(dollars(await cell(id, 'Cost').textContent())).toBeGreaterThan(cost);

    await page.getByRole('link', { name: 'Overview' }).click();
    const costToday = page.locator('[data-figure="cost"] output');
    await eventually(async () => dollars(await costToday.textContent()) >= cost * 2, "the day's cost never showed");
    await saveScreenshot(page, 'overview-cost');
    expect(watch.errors).toEqual([]);
  });

  it('revokes a key only once confirmed, and the SDK then gets 401', async () => {
    const id = `revoke-${crypto.randomUUID().slice(0, 8)}`;
    const key = await createKey({ id });
    expect((await sdk(key).messages.create(request)).stop_reason).toBe('end_turn');
    await openKeys();
    await row(id).waitFor();

    await page.getByRole('button', { name: `Revoke key ${id}` }).click();
    const dialog = page.getByRole('dialog', { name: `Revoke key ${id}?` });
    await dialog.waitFor();
    await saveScreenshot(page, 'key-revoke-confirm');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await sdk(key).messages.create(request)).stop_reason).toBe('end_turn');

    await page.getByRole('button', { name: `Revoke key ${id}` }).click();
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText(`Key ${id} revoked.`).waitFor();
    await row(id).waitFor({ state: 'detached', timeout: 5000 });
    await expect(sdk(key).messages.create(request)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
    await saveScreenshot(page, 'key-revoked');
    expect(watch.errors).toEqual([]);
  });
});
