// The browser test of amendments: Debian's Chromium with JavaScript switched off, driven by playwright-core.
// The secretariat invites a delegate of Atlanta and one of Brazil (both participants of the migration track in
// the demonstration, where round 4 is open on Rev.1 from the day the demonstration is loaded). Each delegate
// accepts the invitation from the e-mail in the outbox and signs in. Atlanta's delegate follows the "Propose
// an amendment" link of objective 4 (a) on the Rev.1 page and tables a replacement of words that are in that
// action (A/RES/73/195, objective 4 (a): "Improve civil registry systems, ..."); Brazil's delegate does the same
// for other words of the same action from the compilation page's link. The round's compilation page then shows
// both in brackets at their place, each attributed to its party, and its party filter keeps Atlanta's alone.
// Words that are not in the action show the form again with the refusal and store nothing. The secretariat
// opens the next round and sets the least number of co-sponsors through the track page's forms. Set-up
// (the real `accord` binary on a fresh SQLite database loaded by `accord demo`) is in support.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { delegateOf, signIn, startWorkspace } from './support.mjs';

const secretariat = 'secretariat@example.org';
const eid = 'sec_3__obj_4__para_1__point_a';
const revisionPage = '/drafts/gcm/revisions/1';
const compilationPage = `${revisionPage}/compilation?round=4`;
// Words of objective 4 (a) of A/RES/73/195, which Rev.1 of the demonstration leaves as they are.
const atlantaWords = 'Improve civil registry systems';
const atlantaText = 'Improve civil registry systems, including those that cities keep';
const brazilWords = 'information and communication technology solutions';
const brazilText = 'digital solutions';
let workspace;
let base;
// A signed-in page (JavaScript off) for each delegate.
let atlanta;
let brazil;

// The text of an element as a screen reader has it (hidden labels included), spaces squeezed.
async function words(locator) {
  return (await locator.textContent()).replace(/\s+/g, ' ').trim();
}

// The compilation page's sentence "N of the M amendments of the round shown", as [N, M].
async function shownCounts(page) {
  const meta = await page.locator('main').innerText();
  const counts = meta.match(/(\d+) of the (\d+) amendments of the round shown/);
  assert.ok(counts, `the count of amendments shown: ${meta.slice(0, 400)}`);
  return [Number(counts[1]), Number(counts[2])];
}

before(async () => {
  workspace = await startWorkspace({
    name: 'amendments',
    demo: true,
    users: [{ email: secretariat, name: 'Secretariat', secretariat: true }],
  });
  base = workspace.base;
  const secretariatContext = await workspace.browser.newContext({ javaScriptEnabled: false });
  const secretariatPage = await secretariatContext.newPage();
  await signIn(secretariatPage, base, secretariat);
  atlanta = await delegateOf(workspace, secretariatPage, 'atlanta-us', 'Delegate of Atlanta');
  brazil = await delegateOf(workspace, secretariatPage, 'brazil', 'Delegate of Brazil');
  await secretariatContext.close();
});

after(async () => {
  await workspace?.stop();
});

test('words that are not in the paragraph show the form again with the refusal, and nothing is stored', async () => {
  const page = atlanta;
  await page.goto(`${base}${revisionPage}`);
  await page.getByRole('link', { name: `Propose an amendment to ${eid}` }).click();
  assert.match(await page.locator('#paragraph').innerText(), new RegExp(atlantaWords));
  await page.getByLabel(/^Words/).fill('registry systems of the moon');
  await page.getByLabel(/^New text/).fill('registry systems of the earth');
  await page.getByLabel('Justification').fill('A browser test of a refusal.');
  const [response] = await Promise.all([
    page.waitForResponse((answer) => answer.request().method() === 'POST'),
    page.getByRole('button', { name: 'Table', exact: true }).click(),
  ]);
  assert.equal(response.status(), 422);
  assert.match(await page.getByRole('alert').innerText(), /registry systems of the moon/);
  // The form is shown again with what was sent.
  assert.equal(await page.getByLabel(/^Words/).inputValue(), 'registry systems of the moon');
  assert.equal(await page.getByLabel('Justification').inputValue(), 'A browser test of a refusal.');

  await page.goto(`${base}${compilationPage}`);
  assert.deepEqual(await shownCounts(page), [0, 0], 'no amendment in round 4');
});

test('a delegate tables an amendment from the revision page; the compilation shows it attributed and filters by party', async () => {
  // Atlanta, from the Rev.1 page.
  await atlanta.goto(`${base}${revisionPage}`);
  await atlanta.getByRole('link', { name: `Propose an amendment to ${eid}` }).click();
  await atlanta.getByLabel(/^Words/).fill(atlantaWords);
  await atlanta.getByLabel(/^New text/).fill(atlantaText);
  await atlanta.getByLabel('Justification').fill('Cities keep civil registers too (a browser test).');
  await atlanta.getByRole('button', { name: 'Table', exact: true }).click();
  await atlanta.waitForURL(/\/amendments\/\d+$/);
  const atlantaId = atlanta.url().match(/\/amendments\/(\d+)$/)[1];
  assert.match(await atlanta.locator('main').innerText(), /tabled/i);

  // Brazil, from the compilation page's link on the same action.
  await brazil.goto(`${base}${compilationPage}`);
  await brazil.getByRole('link', { name: `Propose an amendment to ${eid}` }).click();
  await brazil.getByLabel(/^Words/).fill(brazilWords);
  await brazil.getByLabel(/^New text/).fill(brazilText);
  await brazil.getByLabel('Justification').fill('Shorter (a browser test).');
  await brazil.getByRole('button', { name: 'Table', exact: true }).click();
  await brazil.waitForURL(/\/amendments\/\d+$/);
  const brazilId = brazil.url().match(/\/amendments\/(\d+)$/)[1];
  assert.notEqual(brazilId, atlantaId);

  // Anyone reads the compilation text: both proposals in brackets at their place, each with its party.
  const reader = await (await workspace.browser.newContext({ javaScriptEnabled: false })).newPage();
  await reader.goto(`${base}${compilationPage}`);
  assert.match(await reader.getByRole('note').innerText(), /Demonstration/);
  assert.deepEqual(await shownCounts(reader), [2, 2]);
  // Each proposal is one bracket of struck and inserted words, followed by its parties and number; the words
  // both sides share ("Improve civil registry") stay outside the bracket.
  const paragraph = reader.locator(`section[id="${eid}"]`);
  const text = (await paragraph.innerText()).replace(/\s+/g, ' ');
  assert.match(text, /^\(a\) ?Improve civil registry \[/);
  const atlantaProposal = paragraph.locator('.proposal').filter({ hasText: `A/${atlantaId}` });
  assert.equal(await atlantaProposal.locator('.by').innerText(), `(Atlanta: A/${atlantaId})`);
  assert.equal(await words(atlantaProposal.locator('del')), '[deleted: systems]');
  assert.equal(await words(atlantaProposal.locator('ins')), '[inserted: systems, including those that cities keep]');
  const brazilProposal = paragraph.locator('.proposal').filter({ hasText: `A/${brazilId}` });
  assert.equal(await brazilProposal.locator('.by').innerText(), `(Brazil: A/${brazilId})`);
  assert.equal(await words(brazilProposal.locator('del')), '[deleted: information and communication technology]');
  assert.equal(await words(brazilProposal.locator('ins')), '[inserted: digital]');
  assert.equal(await paragraph.locator('.proposal').count(), 2);
  assert.equal(await reader.locator(`a[href="/amendments/${atlantaId}"]`).count(), 1);
  // Every other paragraph says it has no proposal: objective 4 (b), for one.
  assert.match(await reader.locator('section[id="sec_3__obj_4__para_1__point_b"]').innerText(), /no proposal/);

  // The party filter of the page (a GET form): Atlanta's proposal alone.
  await reader.getByLabel(/^Party/).selectOption('atlanta-us');
  await reader.getByRole('button', { name: 'Show' }).click();
  await reader.waitForURL(/[?&]party=atlanta-us/);
  assert.deepEqual(await shownCounts(reader), [1, 2]);
  const filtered = await reader.locator('.compilation').innerText();
  assert.match(filtered, new RegExp(`\\(Atlanta: A/${atlantaId}\\)`));
  assert.doesNotMatch(filtered, /Brazil/);
  assert.doesNotMatch(filtered, new RegExp(`A/${brazilId}\\b`));
  // Objective 4 (a) holds Atlanta's bracket, and Brazil's words as Rev.1 has them, unbracketed.
  const action = (await reader.locator(`section[id="${eid}"]`).innerText()).replace(/\s+/g, ' ');
  assert.match(action, new RegExp(`investing in ${brazilWords}, while`));
  assert.doesNotMatch(action, /digital/);
  assert.equal(await reader.locator('.compilation .proposal').count(), 1, 'one proposal shown');
});

test("the secretariat opens the next round and sets the least number of co-sponsors on the track's page", async () => {
  const context = await workspace.browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, base, secretariat);
  await page.goto(`${base}/tracks/migration`);
  const table = page.getByRole('table', { name: /^Rounds of / }).locator('tbody tr');
  const rows = await table.count();
  await page.getByLabel('Title').fill('Round 5: a browser test');
  await page.getByLabel('Opens on').fill('2031-01-04');
  await page.getByLabel('Deadline (UTC)').fill('2031-01-29T17:00');
  await page.getByRole('button', { name: 'Open the round' }).click();
  await page.waitForURL(`${base}/tracks/migration#rounds`);
  assert.equal(await table.count(), rows + 1);
  assert.equal(
    (await table.last().innerText()).replace(/\s+/g, ' ').trim(),
    `${rows + 1} Round 5: a browser test 2031-01-04 2031-01-29T17:00:00Z`,
  );

  await page.getByLabel('Least number of co-sponsors to table an amendment').fill('2');
  await page.getByRole('button', { name: 'Set' }).click();
  await page.waitForURL(`${base}/tracks/migration#rounds`);
  assert.match(await page.locator('main').innerText(), /An amendment needs at least 2 co-sponsors to be tabled in this track\./);
  // The page without the secretariat's forms for a delegate.
  await atlanta.goto(`${base}/tracks/migration`);
  assert.equal(await atlanta.getByRole('button', { name: 'Open the round' }).count(), 0);
  await page.getByLabel('Least number of co-sponsors to table an amendment').fill('0');
  await page.getByRole('button', { name: 'Set' }).click();
  await context.close();
});
