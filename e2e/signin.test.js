// Browser test: a new administrator signs in with the one-time password printed at first
// start, is made to change it, and reaches the workbench — in headless Chromium, against the
// real `fazhi serve` on a fresh embedded database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launch, ready, shot } from './lib.js';

test('an administrator signs in, changes the one-time password and opens the workbench', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fazhi-e2e-'));
  const { proc, password, base } = await startServer(dataDir);
  let browser;
  try {
    await ready(base);
    browser = await launch();
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    assert.match(page.url(), /\/login$/);
    await page.getByLabel('用户名').fill('sysadmin');
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/account\/password$/);
    await page.getByLabel('当前密码').fill(password);
    await page.getByLabel(/^新密码/).fill('Zhuji#Browser2024');
    await page.getByLabel('再次输入新密码').fill('Zhuji#Browser2024');
    await page.getByRole('button', { name: '修改密码' }).click();
    await page.getByRole('heading', { name: '密码已修改' }).waitFor();
    await page.getByRole('link', { name: '进入工作台' }).click();
    await page.getByRole('heading', { name: '工作台' }).waitFor();
    // The system administrator's navigation offers the organisation, not the audit log.
    const nav = page.getByRole('navigation', { name: '功能导航' });
    await nav.getByRole('link', { name: '用户' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: '审计日志' }).count(), 0);
    // Keyboard users see where they are.
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, 'none');
    await shot(page, 'workbench');
    await nav.getByRole('link', { name: '部门' }).click();
    await page.getByRole('cell', { name: '诸暨市市场监督管理局' }).waitFor();
  } finally {
    await browser?.close();
    proc.kill('SIGINT');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
