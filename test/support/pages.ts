import type { ElementHandle, Page } from 'puppeteer-core';

/**
 * Waiting without `waitForFunction`/`waitForSelector`: both compile their predicate with `new Function`
 * inside the page, which the extension pages' CSP refuses in Firefox 140. Polling from Node with
 * plain `evaluate`/`$` works in every page of both browsers.
 */
export async function until<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeout = 15_000): Promise<T> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error; // a page between two documents answers nothing for a moment
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The first element matching a selector (CSS, `::-p-text(…)`, `::-p-aria(…)`), once there is one. */
export function find(page: Page | ElementHandle, selector: string, timeout?: number): Promise<ElementHandle<Element>> {
  return until(() => page.$(selector), `"${selector}"`, timeout);
}

/** Until a function of the page's state is true: the browser-neutral `waitForFunction`. */
export async function waitUntil<A>(page: Page, predicate: (arg: A) => boolean, arg?: A, what = 'the page'): Promise<void> {
  // The predicate runs in the page; its argument arrives there as JSON, whatever its type here.
  const inPage = predicate as unknown as (arg: unknown) => boolean;
  await until(() => page.evaluate(inPage, arg), what);
}

/** The page's visible text. */
export const pageText = (page: Page) => page.evaluate(() => document.body.innerText);

/** Puppeteer's ARIA selector: the element a screen reader would announce with this role and name. */
export const aria = (name: string, role: string) => `::-p-aria([name="${name}"][role="${role}"])`;

/**
 * The form control a person finds by its label: the control inside or named by a `<label>` whose
 * own text is `name`, or one with that `aria-label`. Firefox gives password inputs no textbox role,
 * so ARIA roles cannot find every field in both browsers; labels can.
 */
export function field(page: Page | ElementHandle, name: string, timeout?: number): Promise<ElementHandle<Element>> {
  // Runs in the page. No named inner functions: tsx (bench/, scripts/) would wrap them in a
  // `__name` helper that does not exist there.
  const locate = (root: Element | null, wanted: string): Element | null => {
    const scope = root ?? document;
    for (const label of Array.from(scope.querySelectorAll('label'))) {
      const own = Array.from(label.childNodes)
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent)
        .join('')
        .replace(/\s+/g, ' ')
        .trim();
      if (own === wanted && label.control && label.control.getClientRects().length > 0) return label.control;
    }
    for (const el of Array.from(scope.querySelectorAll('input[aria-label], select[aria-label], textarea[aria-label]'))) {
      if (el.getAttribute('aria-label')!.replace(/\s+/g, ' ').trim() === wanted && el.getClientRects().length > 0) return el;
    }
    return null;
  };
  const lookup = async () => {
    const handle = 'mainFrame' in page ? await page.evaluateHandle(locate, null, name) : await page.evaluateHandle(locate, name);
    const element = handle.asElement() as ElementHandle<Element> | null;
    if (element) return element;
    await handle.dispose();
    // A text field named some other way (aria-labelledby, title): its ARIA role finds it in Chromium.
    return page.$(aria(name, 'textbox'));
  };
  return until(lookup, `a field labelled "${name}"`, timeout);
}

/** Types into the field with this label, replacing what was there, as a person would. */
export async function typeInto(page: Page | ElementHandle, name: string, text: string) {
  const input = await field(page, name);
  await input.click({ count: 3 });
  // Select-all then type: a triple click does not select an input's text in every browser.
  await input.evaluate((el) => (el as HTMLInputElement).select?.());
  await input.type(text);
}

/** Picks an option of the `<select>` with this label. */
export async function selectOption(page: Page | ElementHandle, name: string, value: string) {
  const select = await field(page, name);
  await select.select(value);
}

/** Clicks the button with this accessible name, once it is there. */
export async function clickButton(page: Page | ElementHandle, name: string) {
  await (await find(page, aria(name, 'button'))).click();
}
