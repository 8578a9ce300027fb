// The browser test of positions: Debian's Chromium with JavaScript switched off, driven by playwright-core.
// The secretariat invites a delegate of Brazil (a participant of the migration track in the demonstration)
// through the delegation page; the delegate accepts the invitation from the e-mail in the outbox, signs in,
// records Brazil's objection to a paragraph of objective 16 through the position form (a plain POST form),
// and sees the paragraph bracketed with Brazil among its holders, then on the consensus dashboard. It starts
// the real `accord` binary (built by `cargo build -p accord`) on a fresh SQLite database loaded by `accord demo`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { delegateOf, signIn, startWorkspace } from './support.mjs';

const secretariat = 'secretariat@example.org';
// The last action of objective 16 in the demonstration's Rev.1.
const paragraph = '/drafts/gcm/revisions/1/paragraphs/sec_3__obj_16__para_1__point_i/positions';
let workspace;
let base;
let browser;

before(async () => {
  workspace = await startWorkspace({
    name: 'positions',
    demo: true,
    users: [{ email: secretariat, name: 'Secretariat', secretariat: true }],
  });
  ({ base, browser } = workspace);
});

after(async () => {
  await workspace?.stop();
});

test("a delegate records its party's objection through the form and the paragraph is bracketed", async () => {
  const secretariatContext = await browser.newContext({ javaScriptEnabled: false });
  const secretariatPage = await secretariatContext.newPage();
  await signIn(secretariatPage, base, secretariat);
  const page = await delegateOf(workspace, secretariatPage, 'brazil', 'Delegate of Brazil');

  await page.goto(`${base}${paragraph}`);
  assert.match(await page.getByRole('note').innerText(), /Demonstration/);
  await page.getByLabel('objection').check();
  await page.getByLabel(/Statement/).fill('Brazil asks for this action in brackets (a browser test).');
  await page.getByRole('button', { name: 'Record the position' }).click();
  await page.waitForURL(/\/positions#positions$/);
  const status = await page.locator('#status + p').innerText();
  assert.match(status, /Status: bracketed\. Brackets held by: .*Brazil/);
  assert.match(await page.locator('main').innerText(), /Brazil asks for this action in brackets/);

  await page.goto(`${base}/tracks/migration/consensus`);
  const bracketed = await page.locator('#bracketed').innerText();
  assert.match(bracketed, /sec_3__obj_16__para_1__point_i[\s\S]*Brazil/);
  assert.equal(await page.locator('svg[role="img"]').count(), 1, 'the opinion map of the parties');
  assert.ok((await page.locator('#group-table tbody tr').count()) >= 2, 'at least two opinion groups');
});
