// The browser test: Debian's Chromium, driven by playwright-core, goes through the pages as a person would:
// the home page, the demonstration process, a draft's history, a revision's text, and a redline chosen in the
// form. It starts the real `accord` binary (built by `cargo build -p accord`) on a fresh SQLite database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startWorkspace } from './support.mjs';
let workspace;
let base;
let browser;

before(async () => {
  workspace = await startWorkspace({ name: 'pages' });
  ({ base, browser } = workspace);
});

after(async () => {
  await workspace?.stop();
});

test('an empty workspace offers the demonstration, and loading it shows the process', async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/`);
  assert.equal(await page.locator('h1').innerText(), 'Negotiation processes');
  await page.getByRole('button', { name: 'Load the demonstration process' }).click();
  await page.waitForURL(`${base}/processes/global-compacts-2018`);
  assert.equal(await page.locator('h1').innerText(), 'Global compacts 2018');
  assert.match(await page.getByRole('note').innerText(), /Demonstration/);
  await page.close();
});

test('a person reads the real text and follows a paragraph by its eId', async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/processes/global-compacts-2018`);
  await page.getByRole('link', { name: 'Global Compact for Safe, Orderly and Regular Migration' }).click();
  await page.getByRole('link', { name: 'Zero draft', exact: true }).click();
  assert.match(await page.locator('h1').innerText(), /Zero draft/);
  assert.equal(await page.getByRole('note').count(), 0, 'the real text carries no demonstration notice');
  const objective15 = page.locator('[id="sec_3__obj_15"]');
  assert.equal(await objective15.innerText().then((text) => text.replace('¶', '').trim()),
    'Objective 15: Provide access to basic services for migrants');
  const pointC = page.locator('[id="sec_3__obj_15__para_1__point_c"]');
  assert.match(await pointC.innerText(), /^\(c\)\s*Establish and strengthen holistic and easily accessible service points at local level/);
  assert.equal(await page.locator('.point').count(), 187);
  // The skip link is the first thing the keyboard reaches.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  await page.close();
});

test('a person picks two revisions in the form and sees the redline marked without colour alone', async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/drafts/gcm`);
  await page.getByLabel('From revision').selectOption('0');
  await page.getByLabel('To revision').selectOption('1');
  await page.getByRole('button', { name: 'Show the redline' }).click();
  await page.waitForURL(/\/drafts\/gcm\/redline\?from=0&to=1/);
  assert.equal(await page.locator('h1').innerText(), 'Redline: Zero draft → Rev.1');
  assert.match(await page.getByRole('note').innerText(), /Demonstration/);
  assert.match(await page.locator('main').innerText(), /1 inserted, 1 deleted, 11 modified, 0 moved/);
  const inserted = page.locator('ins', { hasText: 'together with local and regional authorities' });
  assert.equal(await inserted.count(), 1);
  const style = await inserted.evaluate((element) => getComputedStyle(element).textDecorationLine);
  assert.equal(style, 'underline');
  const deleted = page.locator('del', { hasText: 'local,' }).first();
  assert.equal(await deleted.evaluate((element) => getComputedStyle(element).textDecorationLine), 'line-through');
  // Screen readers are told, in words, what was inserted.
  assert.match(await inserted.textContent(), /\[inserted: /);
  assert.match(await page.locator('[id="sec_3__obj_15__para_1__point_cbis"]').innerText(), /inserted/);
  assert.match(await page.locator('[id="sec_3__obj_1__para_1__point_k"]').innerText(), /deleted/);
  await page.screenshot({ path: join(workspace.dir, 'redline.png'), fullPage: false });
  await page.close();
});
