import type { Locator, Page } from 'playwright-core';

/** What a page did that a test checks afterwards. */
export interface PageWatch {
  /** Console errors and uncaught exceptions: a CSP violation shows up here. */
  readonly errors: string[];
  /** Every request the page sent: URL and Authorization header. */
  readonly sent: Array<{ url: string; authorization: string | undefined }>;
}

/** Starts recording the page's errors and requests. */
export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { errors: [], sent: [] };
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    watch.errors.push(`${message.text()} ${message.location().url}`);
  });
  page.on('pageerror', (error) => watch.errors.push(error.message));
  page.on('request', (request) =>
    watch.sent.push({ url: request.url(), authorization: request.headers().authorization }),
  );
  return watch;
}

/** Opens the console and submits `token` in the sign-in form. */
export async function signIn(page: Page, relayUrl: string, token: string): Promise<void> {
  await page.goto(`${relayUrl}/dashboard`);
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** What a usage bar inside `scope` says (its accessible name: label, figures, reset). */
export function meterText(scope: Locator, id: string): Promise<string | null> {
  return scope.locator(`[data-meter="${id}"] meter`).getAttribute('aria-label');
}

/** Presses Tab until the focused element's accessible name is `name` (at most 40 times). */
export async function tabTo(page: Page, name: string): Promise<void> {
  for (let presses = 0; presses < 40; presses += 1) {
    await page.keyboard.press('Tab');
    if ((await focusedName(page)) === name) return;
  }
  throw new Error(`Tab never reached "${name}"; last focused: "${await focusedName(page)}"`);
}

/** The accessible name of the focused element: its aria-label, else its label, else its text. */
export function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element) return '';
    const labels = (element as HTMLInputElement).labels;
    return (
      element.getAttribute('aria-label') ??
      (labels && labels.length > 0 ? labels[0]?.textContent : element.textContent) ??
      ''
    ).trim();
  });
}

/** The focused element's computed outline style (`none` when focus is not shown). */
export function focusOutline(page: Page): Promise<string> {
  return page.evaluate(() => (document.activeElement ? getComputedStyle(document.activeElement).outlineStyle : 'none'));
}

/** The interactive elements (and bars) with no accessible name: a label, aria-label(ledby) or their own text. */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('a[href], button, input, select, textarea, meter, [tabindex]')]
      .filter((element) => {
        const labelledBy = (element.getAttribute('aria-labelledby') ?? '')
          .split(/\s+/)
          .map((id) => (id ? (document.getElementById(id)?.textContent ?? '') : ''))
          .join('');
        const labels = (element as HTMLInputElement).labels;
        const labelText = labels ? [...labels].map((label) => label.textContent ?? '').join('') : '';
        const ownText = element.tagName === 'BUTTON' || element.tagName === 'A' ? (element.textContent ?? '') : '';
        return `${element.getAttribute('aria-label') ?? ''}${labelledBy}${labelText}${ownText}`.trim() === '';
      })
      .map((element) => element.outerHTML.slice(0, 120)),
  );
}
