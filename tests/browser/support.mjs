// What the browser tests share: the `accord` binary (built by `cargo build -p accord`, found under
// CARGO_TARGET_DIR when it is set), a workspace served by it on a fresh SQLite database, Debian's Chromium
// driven by playwright-core, signing in, and invitations read from the outbox.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The debug build of the `accord` binary. */
export const binary = join(process.env.CARGO_TARGET_DIR ?? join(root, 'target'), 'debug', 'accord');

/** The password of every account the tests make. */
export const password = 'correct horse battery staple';

/**
 * Starts a workspace: a fresh SQLite database in a temporary directory, the demonstration loaded when `demo`,
 * the accounts of `users` made by `accord users add` (`{ email, name, secretariat }`, the secretariat of the
 * demonstration's process when `secretariat`), `accord serve` on a free port with links in e-mail starting
 * with its address, and Chromium. `name` names the directory. Returns `{ base, database, browser, dir, stop }`
 * (`dir` the temporary directory, for screenshots);
 * `stop()` closes the browser, stops the server and removes the directory.
 */
export async function startWorkspace({ name, demo = false, users = [] }) {
  const workDir = mkdtempSync(join(tmpdir(), `accord-browser-${name}-`));
  const database = `sqlite:${join(workDir, 'accord.db')}`;
  if (demo) {
    const loaded = spawnSync(binary, ['--database', database, 'demo'], { stdio: ['ignore', 'ignore', 'inherit'] });
    assert.equal(loaded.status, 0, 'accord demo loads');
  }
  for (const user of users) {
    const args = ['--database', database, 'users', 'add', user.email, '--name', user.name, '--password-stdin'];
    if (user.secretariat) args.push('--secretariat', 'global-compacts-2018');
    const added = spawnSync(binary, args, { input: `${password}\n` });
    assert.equal(added.status, 0, String(added.stderr));
  }
  const port = 18000 + Math.floor(Math.random() * 10000);
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(binary, ['--database', database, 'serve', '--bind', `127.0.0.1:${port}`, '--public-url', base], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForServer(base);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const stop = async () => {
    await browser.close();
    server.kill();
    rmSync(workDir, { recursive: true, force: true });
  };
  return { base, database, browser, dir: workDir, stop };
}

async function waitForServer(base) {
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

/** Signs `page` in through the form as `email` and waits for the account page. */
export async function signIn(page, base, email) {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/account`);
}

/** The invitation link of the last e-mail the outbox of `database` holds for `email`. */
export function invitationLink(database, email) {
  const outbox = spawnSync(binary, ['--database', database, 'outbox'], { encoding: 'utf8' });
  assert.equal(outbox.status, 0, outbox.stderr);
  const messages = outbox.stdout.split(/^--- #/m).filter((message) => message.includes(` to ${email} at `));
  const link = messages.at(-1)?.match(/https?:\/\/\S+\/invitations\/[0-9a-f]+/);
  assert.ok(link, `an invitation link for ${email} in the outbox: ${outbox.stdout}`);
  return link[0];
}

/**
 * A delegate of `partyId` invited through the party's page by the signed-in `secretariatPage`, who accepts
 * the invitation from the outbox as `name` and signs in: their page, JavaScript off.
 */
export async function delegateOf(workspace, secretariatPage, partyId, name) {
  const { base, database, browser } = workspace;
  const email = `delegate.${partyId}@example.org`;
  await secretariatPage.goto(`${base}/processes/global-compacts-2018/parties/${partyId}`);
  await secretariatPage.getByLabel('E-mail address').fill(email);
  await secretariatPage.getByLabel('Role').selectOption('delegate');
  await secretariatPage.getByRole('button', { name: 'Send the invitation' }).click();
  assert.match(await secretariatPage.getByRole('status').innerText(), /The invitation was sent/);

  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(invitationLink(database, email));
  await page.getByLabel(/Your name/).fill(name);
  await page.getByLabel(/A password/).fill(password);
  await page.getByRole('button', { name: 'Accept the invitation' }).click();
  await signIn(page, base, email);
  return page;
}
