// The browser test of a resident consultation: Debian's Chromium with JavaScript switched off, driven by
// playwright-core, opens the demonstration's consultation, votes agree, disagree and pass with the page's
// buttons (plain POST forms), submits a statement, and reads the results: the opinion map as inline SVG and the
// table of the groups. It starts the real `accord` binary (built by `cargo build -p accord`) on a fresh SQLite
// database loaded by `accord demo`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startWorkspace } from './support.mjs';
let workspace;
let base;
let browser;

before(async () => {
  workspace = await startWorkspace({ name: 'consultation', demo: true });
  ({ base, browser } = workspace);
});

after(async () => {
  await workspace?.stop();
});

test('a resident votes through the page without JavaScript and counts once', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${base}/tracks/migration/consultations`);
  await page.getByRole('link', { name: /New York City residents on the draft compact/ }).click();
  assert.match(await page.getByRole('note').innerText(), /Demonstration/);
  const seen = new Set();
  for (const vote of ['Agree', 'Disagree', 'Pass / unsure']) {
    const heading = await page.locator('#statement').innerText();
    assert.ok(!seen.has(heading), `${heading} is shown once`);
    seen.add(heading);
    await page.getByRole('button', { name: vote, exact: true }).click();
    await page.waitForURL(/\?notice=voted$/);
    assert.equal(await page.getByRole('status').innerText(), 'Your vote is counted.');
  }
  assert.match(await page.locator('main').innerText(), /You have voted on 3 statements; 12 left/);
  const cookies = await context.cookies();
  const participant = cookies.find((cookie) => cookie.name === 'accord_participant');
  assert.ok(participant, 'the first vote set the participant cookie');
  assert.equal(participant.httpOnly, true);
  assert.equal(participant.sameSite, 'Lax');

  await page.getByLabel(/Your statement/).fill('Newcomers should find every city service in one place.');
  await page.getByRole('button', { name: 'Submit the statement' }).click();
  await page.waitForURL(/\?notice=submitted$/);
  assert.match(await page.getByRole('status').innerText(), /once it is moderated/);
  await context.close();
});

test('the results show the opinion map as SVG and the same groups in a table', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${base}/tracks/migration/consultations`);
  await page.getByRole('link', { name: 'results' }).first().click();
  const map = page.getByRole('img', { name: /Opinion map/ });
  assert.equal(await map.count(), 1);
  assert.ok((await page.locator('svg circle').count()) > 150, 'the simulated participants are on the map');
  assert.match(await page.locator('svg').innerHTML(), /Group A/);
  const table = page.getByRole('table', { name: 'Opinion groups' });
  assert.match(await table.innerText(), /Group A/);
  assert.match(await table.innerText(), /Group B/);
  await page.screenshot({ path: join(workspace.dir, 'results.png'), fullPage: true });
  await context.close();
});
