// What the browser tests share: the real `fazhi serve` on a fresh embedded database (its
// first start prints the one-time passwords of the administrators and the demo users), Debian's
// Chromium, signing in, and the checks every page gets (axe-core, no sideways scroll).
import { spawn } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const BIN = process.env.FAZHI_BIN ?? '../target/debug/fazhi';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

export function startServer(dataDir) {
  const port = 18000 + Math.floor(Math.random() * 1000);
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.FAZHI_DATABASE_URL;
    const proc = spawn(BIN, ['serve', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`], { env });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30000);
    proc.stdout.on('data', (d) => {
      out += d;
      // Printed once at first start, just before the server listens (see `ready`).
      const creds = {};
      for (const m of out.matchAll(/用户名 (\S+)\s+一次性密码 (\S+)/g)) creds[m[1]] = m[2];
      if (creds.sysadmin && creds.sj_clerk && creds.dk_reviewer) {
        clearTimeout(timer);
        resolve({ proc, creds, base: `http://127.0.0.1:${port}`, password: creds.sysadmin });
      }
    });
    proc.stderr.on('data', (d) => { out += d; });
    proc.on('exit', (code) => reject(new Error(`server exited ${code}:\n${out}`)));
  });
}

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Waits until the server answers (it prints the passwords just before it listens). */
export async function ready(base) {
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/healthz`)).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server not answering');
}

/** Signs `user` in with the one-time password and sets `newPassword`, ending on the workbench. */
export async function signIn(page, base, user, otp, newPassword) {
  await page.goto(`${base}/login`);
  await page.getByLabel('用户名').fill(user);
  await page.getByLabel('密码').fill(otp);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(/\/account\/password$/);
  await page.getByLabel('当前密码').fill(otp);
  await page.getByLabel(/^新密码/).fill(newPassword);
  await page.getByLabel('再次输入新密码').fill(newPassword);
  await page.getByRole('button', { name: '修改密码' }).click();
  await page.getByRole('heading', { name: '密码已修改' }).waitFor();
  await page.getByRole('link', { name: '进入工作台' }).click();
  await page.getByRole('heading', { name: '工作台' }).waitFor();
}

// axe-core is injected as a script: the test's contexts bypass the page's CSP (bypassCSP) for it.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The serious and critical accessibility violations axe-core finds on the page. */
export async function axeViolations(page) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  return result;
}

/** Whether the page is wider than the window (a sideways scroll on a phone). */
export async function sidewaysScroll(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

export async function shot(page, name) {
  mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: `test-results/${name}.png`, fullPage: true });
}

/** Clicks `button` and waits until the page it posts to has replaced this one. */
export async function submitted(page, button) {
  await page.evaluate(() => { document.body.dataset.stale = '1'; });
  await button.click();
  await page.waitForFunction(() => document.body && !document.body.dataset.stale);
}

/** The page's section (a step's form) under the heading `heading`. */
export function section(page, heading) {
  return page.locator('section.section').filter({ has: page.getByRole('heading', { name: heading }) }).first();
}

/** Fills the section's fields (label → value; true checks a box; a select takes the option's
 * label) and presses its button; no error may follow. */
export async function act(page, heading, fields, button) {
  const s = section(page, heading);
  for (const [label, value] of fields) {
    const field = s.getByLabel(new RegExp(`^\\s*${label}(\\s*\\*)?\\s*$`)).first();
    if (value === true) await field.check();
    else if (await field.evaluate((e) => e.tagName) === 'SELECT') await field.selectOption({ label: value });
    else await field.fill(value);
  }
  await submitted(page, s.getByRole('button', { name: button }));
  assert.equal(await page.locator('.error').count(), 0, `${heading}: ${await page.locator('.error').allTextContents()}`);
}

/** No serious accessibility violation on the page; a screenshot for the record. */
export async function checkPage(page, name) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${name}: axe`);
  await shot(page, name);
}
