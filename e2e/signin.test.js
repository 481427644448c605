// Browser test: a new administrator signs in with the one-time password printed at first
// start, is made to change it, and reaches the workbench — in headless Chromium, against the
// real `fazhi serve` on a fresh embedded database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const BIN = process.env.FAZHI_BIN ?? '../target/debug/fazhi';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PORT = 18000 + Math.floor(Math.random() * 1000);

function startServer(dataDir) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.FAZHI_DATABASE_URL;
    const proc = spawn(BIN, ['serve', '--data-dir', dataDir, '--listen', `127.0.0.1:${PORT}`], { env });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30000);
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/用户名 sysadmin\s+一次性密码 (\S+)/);
      if (m) { clearTimeout(timer); resolve({ proc, password: m[1] }); }
    });
    proc.stderr.on('data', (d) => { out += d; });
    proc.on('exit', (code) => reject(new Error(`server exited ${code}:\n${out}`)));
  });
}

test('an administrator signs in, changes the one-time password and opens the workbench', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fazhi-e2e-'));
  const { proc, password } = await startServer(dataDir);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    const base = `http://127.0.0.1:${PORT}`;
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
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/workbench.png', fullPage: true });
    await nav.getByRole('link', { name: '部门' }).click();
    await page.getByRole('cell', { name: '诸暨市市场监督管理局' }).waitFor();
  } finally {
    await browser.close();
    proc.kill('SIGINT');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
