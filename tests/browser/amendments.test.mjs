// The browser test of amendments: Debian's Chromium with JavaScript switched off, driven by playwright-core.
// The secretariat invites a delegate of Atlanta and one of Brazil (both participants of the migration track in
// the demonstration, where round 4 is open on Rev.1 from the day the demonstration is loaded). Each delegate
// accepts the invitation from the e-mail in the outbox and signs in. Atlanta's delegate follows the "Propose
// an amendment" link of objective 4 (a) on the Rev.1 page and tables a replacement of words that are in that
// action (A/RES/73/195, objective 4 (a): "Improve civil registry systems, ..."); Brazil's delegate does the same
// for other words of the same action from the compilation page's link. The round's compilation page then shows
// both in brackets at their place, each attributed to its party, and its party filter keeps Atlanta's alone.
// Words that are not in the action show the form again with the refusal and store nothing. It starts the real
// `accord` binary (built by `cargo build -p accord`, found under CARGO_TARGET_DIR when it is set) on a fresh
// SQLite database loaded by `accord demo`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const binary = join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug', 'accord');
const port = 22000 + Math.floor(Math.random() * 1000);
const base = `http://127.0.0.1:${port}`;
const secretariat = 'secretariat@example.org';
const password = 'correct horse battery staple';
const eid = 'sec_3__obj_4__para_1__point_a';
const revisionPage = '/drafts/gcm/revisions/1';
const compilationPage = `${revisionPage}/compilation?round=4`;
// Words of objective 4 (a) of A/RES/73/195, which Rev.1 of the demonstration leaves as they are.
const atlantaWords = 'Improve civil registry systems';
const atlantaText = 'Improve civil registry systems, including those that cities keep';
const brazilWords = 'information and communication technology solutions';
const brazilText = 'digital solutions';
let server;
let browser;
let workDir;
let database;
// A signed-in page (JavaScript off) for each delegate.
let atlanta;
let brazil;

async function waitForServer() {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const response = await fetch(`${base}/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`accord did not answer on ${base}`);
}

async function signIn(page, email) {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/account`);
}

// The invitation link of the last e-mail the outbox holds for `email`.
function invitationLink(email) {
  const outbox = spawnSync(binary, ['--database', database, 'outbox'], { encoding: 'utf8' });
  assert.equal(outbox.status, 0, outbox.stderr);
  const messages = outbox.stdout.split(/^--- #/m).filter((message) => message.includes(` to ${email} at `));
  const link = messages.at(-1)?.match(/https?:\/\/\S+\/invitations\/[0-9a-f]+/);
  assert.ok(link, `an invitation link for ${email} in the outbox: ${outbox.stdout}`);
  return link[0];
}

// A delegate of `partyId` invited by the secretariat's page, who accepts and signs in: their page.
async function delegateOf(secretariatPage, partyId, name) {
  const email = `delegate.${partyId}@example.org`;
  await secretariatPage.goto(`${base}/processes/global-compacts-2018/parties/${partyId}`);
  await secretariatPage.getByLabel('E-mail address').fill(email);
  await secretariatPage.getByLabel('Role').selectOption('delegate');
  await secretariatPage.getByRole('button', { name: 'Send the invitation' }).click();
  assert.match(await secretariatPage.getByRole('status').innerText(), /The invitation was sent/);

  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(invitationLink(email));
  await page.getByLabel(/Your name/).fill(name);
  await page.getByLabel(/A password/).fill(password);
  await page.getByRole('button', { name: 'Accept the invitation' }).click();
  await signIn(page, email);
  return page;
}

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
  workDir = mkdtempSync(join(tmpdir(), 'accord-browser-amendments-'));
  database = `sqlite:${join(workDir, 'accord.db')}`;
  const demo = spawnSync(binary, ['--database', database, 'demo'], { stdio: ['ignore', 'ignore', 'inherit'] });
  assert.equal(demo.status, 0, 'accord demo loads');
  const add = spawnSync(
    binary,
    ['--database', database, 'users', 'add', secretariat, '--name', 'Secretariat', '--password-stdin', '--secretariat', 'global-compacts-2018'],
    { input: `${password}\n` },
  );
  assert.equal(add.status, 0, String(add.stderr));
  server = spawn(binary, ['--database', database, 'serve', '--bind', `127.0.0.1:${port}`, '--public-url', base], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForServer();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const secretariatContext = await browser.newContext({ javaScriptEnabled: false });
  const secretariatPage = await secretariatContext.newPage();
  await signIn(secretariatPage, secretariat);
  atlanta = await delegateOf(secretariatPage, 'atlanta-us', 'Delegate of Atlanta');
  brazil = await delegateOf(secretariatPage, 'brazil', 'Delegate of Brazil');
  await secretariatContext.close();
});

after(async () => {
  await browser?.close();
  server?.kill();
  rmSync(workDir, { recursive: true, force: true });
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
  const reader = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
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
