// The browser test of positions: Debian's Chromium with JavaScript switched off, driven by playwright-core.
// The secretariat invites a delegate of Brazil (a participant of the migration track in the demonstration)
// through the delegation page; the delegate accepts the invitation from the e-mail in the outbox, signs in,
// records Brazil's objection to a paragraph of objective 16 through the position form (a plain POST form),
// and sees the paragraph bracketed with Brazil among its holders, then on the consensus dashboard. It starts
// the real `accord` binary (built by `cargo build -p accord`) on a fresh SQLite database loaded by `accord demo`.
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
const port = 21000 + Math.floor(Math.random() * 1000);
const base = `http://127.0.0.1:${port}`;
const secretariat = 'secretariat@example.org';
const delegate = 'delegate.brazil@example.org';
const password = 'correct horse battery staple';
// The last action of objective 16 in the demonstration's Rev.1.
const paragraph = '/drafts/gcm/revisions/1/paragraphs/sec_3__obj_16__para_1__point_i/positions';
let server;
let browser;
let workDir;
let database;

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

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'accord-browser-positions-'));
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
});

after(async () => {
  await browser?.close();
  server?.kill();
  rmSync(workDir, { recursive: true, force: true });
});

test("a delegate records its party's objection through the form and the paragraph is bracketed", async () => {
  const secretariatContext = await browser.newContext({ javaScriptEnabled: false });
  const secretariatPage = await secretariatContext.newPage();
  await signIn(secretariatPage, secretariat);
  await secretariatPage.goto(`${base}/processes/global-compacts-2018/parties/brazil`);
  await secretariatPage.getByLabel('E-mail address').fill(delegate);
  await secretariatPage.getByLabel('Role').selectOption('delegate');
  await secretariatPage.getByRole('button', { name: 'Send the invitation' }).click();
  const outbox = spawnSync(binary, ['--database', database, 'outbox'], { encoding: 'utf8' });
  assert.equal(outbox.status, 0, outbox.stderr);
  const link = outbox.stdout.match(/https?:\/\/\S+\/invitations\/[0-9a-f]+/);
  assert.ok(link, `an invitation link in the outbox: ${outbox.stdout}`);

  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(link[0]);
  await page.getByLabel(/Your name/).fill('Delegate of Brazil');
  await page.getByLabel(/A password/).fill(password);
  await page.getByRole('button', { name: 'Accept the invitation' }).click();
  await signIn(page, delegate);

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
