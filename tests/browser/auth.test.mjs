// The browser test of signing in: Debian's Chromium, driven by playwright-core, signs in through the form over
// plain http on 127.0.0.1 (the session cookie is Secure, HttpOnly and SameSite=Lax, which Chromium keeps for a
// loopback address), makes an API token on the account page, signs out, and finds the account closed. It starts
// the real `accord` binary (built by `cargo build -p accord`) on a fresh SQLite database with one user made by
// `accord users add`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { password, startWorkspace } from './support.mjs';

const email = 'person@example.org';
let workspace;
let base;
let browser;

before(async () => {
  workspace = await startWorkspace({ name: 'auth', users: [{ email, name: 'A Person' }] });
  ({ base, browser } = workspace);
});

after(async () => {
  await workspace?.stop();
});

test('a person signs in, makes an API token, signs out, and the account is closed to them', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/account`);
  assert.equal(await page.locator('h1').innerText(), 'Your account');

  const session = (await context.cookies()).find((cookie) => cookie.name === 'accord_session');
  assert.ok(session, 'the browser keeps the session cookie');
  assert.equal(session.httpOnly, true);
  assert.equal(session.secure, true);
  assert.equal(session.sameSite, 'Lax');

  await page.getByLabel('Name of a new token').fill('my script');
  await page.getByRole('button', { name: 'Make a token' }).click();
  const token = await page.locator('#new-token').innerText();
  assert.match(token, /^[0-9a-f]{64}$/);
  const me = await fetch(`${base}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(me.status, 200);
  assert.equal((await me.json()).display_name, 'A Person');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${base}/`);
  const response = await page.goto(`${base}/account`);
  assert.equal(response.status(), 401);
  await context.close();
});

test('a wrong password is refused on the page and no session is kept', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  assert.match(await page.getByRole('alert').innerText(), /the e-mail address or the password is wrong/);
  assert.equal((await context.cookies()).some((cookie) => cookie.name === 'accord_session'), false);
  await context.close();
});
