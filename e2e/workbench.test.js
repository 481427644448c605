// Browser journeys of issue 16, in headless Chromium against the real `fazhi serve` on a fresh
// embedded database with its demo data: a town clerk walks a penalty case from filing through
// the hearing path to publication and archive, and the file scores 100 with no machine finding;
// a supervisor finds the case on the dashboard, searches for it, exports the list and opens
// its evaluation; the main pages at a phone's width scroll only downwards; axe-core finds no
// serious or critical violation on them. Screenshots go to test-results/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launch, ready, signIn, sidewaysScroll, shot, submitted, checkPage } from './lib.js';

const PARTY = '诸暨市某某贸易有限公司';
const PASSWORD = 'Zhuji#Browser2024';

/** Fills and submits the step form whose heading matches `heading`; waits for the notice. */
async function step(page, heading, fields) {
  const section = page.locator('section.section').filter({ has: page.getByRole('heading', { name: heading }) }).first();
  for (const [label, value] of fields) {
    // A label as written; a required field's ends in "*" (必填).
    const field = section.getByLabel(typeof label === 'string' ? new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s*\\*)?\\s*$`) : label).first();
    if (value === true) await field.check();
    else if (await field.evaluate((e) => e.tagName) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
  await submitted(page, section.getByRole('button', { name: '提交' }));
  assert.equal(await page.locator('.error').count(), 0, `${heading}: ${await page.locator('.error').allTextContents()}`);
  assert.match(await page.getByRole('status').textContent(), /已完成|已归档/, `${heading}`);
}

test('a clerk walks a case to archive through the forms; a supervisor finds, exports and reviews it', { timeout: 240000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fazhi-e2e-'));
  const { proc, creds, base } = await startServer(dataDir);
  let browser;
  try {
    await ready(base);
    browser = await launch();
    // The supervisor sets 店口镇's document settings, so its decisions print no blanks.
    const sup = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true })).newPage();
    await signIn(sup, base, 'sfj_supervisor', creds.sfj_supervisor, PASSWORD);
    await sup.goto(`${base}/enforcement/document-settings`);
    await sup.getByRole('link', { name: '店口镇人民政府', exact: true }).click();
    await sup.getByLabel('缴款银行').fill('中国农业银行诸暨店口支行');
    await sup.getByLabel('缴款账号').fill('1922 0101 0400 12345');
    await sup.getByLabel('行政复议机关').fill('诸暨市人民政府');
    await sup.getByLabel('管辖法院').fill('诸暨市人民法院');
    await sup.getByLabel('联系电话（事先告知书）').fill('0575-87051234');
    await sup.getByLabel('联系地址（事先告知书）').fill('诸暨市店口镇中央路1号');
    await sup.getByRole('button', { name: '保存' }).click();
    await sup.getByText('已保存。').waitFor();

    // The clerk files the case from the menu.
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await ctx.newPage();
    await signIn(page, base, 'dk_clerk', creds.dk_clerk, PASSWORD);
    await checkPage(page, 'clerk-workbench');
    const nav = page.getByRole('navigation', { name: '功能导航' });
    await nav.getByRole('link', { name: '行政处罚案件' }).click();
    await page.getByRole('link', { name: '立案', exact: true }).click();
    await checkPage(page, 'filing-form');
    // The catalog item is picked from the items 店口镇 may handle today.
    const offered = await page.locator('datalist option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(offered.includes('ZH-004'), `picker offers ${offered}`);
    assert.ok(!offered.includes('SJ-001'), 'a market-regulation item is not a town\'s');
    await page.getByLabel(/^执法事项/).fill('ZH-004');
    await page.getByLabel(/^案由/).fill('擅自占用城市道路案');
    await page.getByLabel(/^违法行为终了日/).fill('2026-10-01');
    await page.getByLabel(/^发现日/).fill('2026-10-10');
    await page.getByLabel(/^立案日/).fill('2026-10-12');
    await page.getByLabel('当事人类型').selectOption('organisation');
    await page.getByLabel(/^当事人名称/).fill(PARTY);
    await page.getByLabel(/^统一社会信用代码/).fill('91330100799655058B');
    await page.getByLabel('法定代表人（单位当事人）').fill('王五');
    await page.getByLabel('住所（住址）').fill('诸暨市店口镇解放路1号');
    await page.getByLabel(/^案件来源/).selectOption('监督检查');
    await page.getByLabel(/^简要案情/).fill('当事人在店铺门前擅自占用城市道路堆放货物');
    await page.getByLabel(/^立案审批人/).fill('李镇长');
    await page.getByRole('button', { name: '立案' }).click();
    await page.waitForURL(/\/enforcement\/cases\/\d+/);
    const casePath = new URL(page.url()).pathname;
    // The first step is offered first; documents enter the file by themselves.
    await page.getByRole('heading', { name: /^下一步：登记调查取证/ }).waitFor();
    await checkPage(page, 'case-filed');

    await step(page, /登记调查取证/, [
      ['调查日', '2026-10-15'],
      ['查明的事实', '经查，当事人于2026年10月1日在店铺门前擅自占用城市道路堆放货物约20平方米'],
      ['证据（每行一项）', '现场照片3张\n询问笔录1份'],
      ['现场检查（勘验）笔录', true],
      ['询问（调查）笔录', true],
      ['调查终结，制作案件调查终结报告', true],
    ]);
    await step(page, /送达行政处罚事先告知书/, [
      ['送达日', '2026-10-20'],
      ['拟作出的处罚', 'fine'],
      ['拟罚款金额（元）', '2000'],
      ['告知当事人有权要求听证（较大数额罚款等，第六十三条）', true],
    ]);
    await step(page, /^(下一步：)?当事人要求听证$/, [['提出日', '2026-10-22']]);
    await step(page, /送达听证通知/, [['通知送达日', '2026-10-23'], ['听证日', '2026-11-05']]);
    await step(page, /^(下一步：)?举行听证$/, [['听证日', '2026-11-05']]);
    await step(page, /^(下一步：)?作出决定$/, [
      ['决定日', '2026-11-09'],
      ['决定', 'fine'],
      ['罚款金额（元）', '2000'],
      ['违法情节（与裁量基准比对）', '一般'],
    ]);
    // Published within its limit, after the review removed what must not be public.
    await page.getByRole('link', { name: '行政处罚决定公开（公开前审查）' }).click();
    await page.getByRole('button', { name: '生成公开文本并自动去除个人信息' }).click();
    // Another person of the town checks the redaction and approves it; the clerk may not.
    await page.getByLabel('公开日期').fill('2026-11-12');
    await page.getByRole('button', { name: '公开', exact: true }).click();
    await page.getByText(/须由本单位另一名工作人员/).first().waitFor();
    const reviewer = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true })).newPage();
    await signIn(reviewer, base, 'dk_reviewer', creds.dk_reviewer, PASSWORD);
    await reviewer.goto(`${base}${casePath}/disclosure`);
    await checkPage(reviewer, 'disclosure-review');
    await reviewer.getByLabel('公开日期').fill('2026-11-12');
    await reviewer.getByRole('button', { name: '公开', exact: true }).click();
    await reviewer.getByText('已公开', { exact: true }).first().waitFor();
    await page.goto(`${base}/public/decisions`);
    await page.getByRole('link', { name: /店口镇罚〔2026〕1号/ }).click();
    const published = await page.locator('main').textContent();
    assert.ok(!published.includes('（待填写）'), 'no blank on the public page');
    assert.ok(published.includes('罚款人民币2,000.00元'), published);
    await shot(page, 'public-decision');

    await page.goto(`${base}${casePath}`);
    await step(page, /送达处罚决定书/, [
      ['送达日', '2026-11-11'],
      ['送达方式', 'direct'],
      ['送达地点（直接、留置送达必填）', '当事人经营场所'],
    ]);
    await step(page, /登记缴纳罚款/, [['缴款日', '2026-11-20']]);
    await step(page, /^(下一步：)?结案$/, [['结案日', '2026-11-23'], [/^结案审批人/, '李镇长']]);
    // What only the paper knows, in one table: two certified officers signed each document,
    // the party signed, the organ sealed.
    const table = page.locator('section.section').filter({ has: page.getByRole('heading', { name: /签名、盖章和页数/ }) });
    for (const input of await table.locator('input[type=number]').all()) {
      const name = await input.getAttribute('name');
      if (name.startsWith('officers_') || name.startsWith('certified_')) await input.fill('2');
    }
    for (const box of await table.locator('input[type=checkbox]').all()) await box.check();
    await submitted(page, table.getByRole('button', { name: '保存' }));
    assert.match(await page.getByRole('status').textContent(), /已保存卷内文件/);
    assert.equal(await page.getByRole('heading', { name: /办案中预警/ }).count(), 0,
      `open warnings: ${await page.locator('.warnings').allTextContents()}`);
    await step(page, /^(下一步：)?归档$/, [['归档日', '2026-11-24']]);
    const record = await page.locator('dl.details').textContent();
    assert.match(record, /100 分，优秀，发现问题 0 个/);
    await checkPage(page, 'case-archived');

    // The supervisor finds it: on the dashboard, by searching, in the export, with its score.
    await sup.goto(`${base}/dashboard?year=2026`);
    await sup.getByRole('heading', { name: /各月立案/ }).waitFor();
    await checkPage(sup, 'dashboard');
    await sup.goto(`${base}/enforcement/cases`);
    await sup.getByLabel('案号、案由或当事人').fill('某某贸易');
    await sup.getByRole('button', { name: '查询' }).click();
    await sup.getByText('共 1 件').waitFor();
    await checkPage(sup, 'case-list-search');
    // The list sorts by a column's header, keeping the search.
    await submitted(sup, sup.getByRole('link', { name: /^评查得分/ }));
    assert.equal(await sup.getByRole('columnheader', { name: /评查得分/ }).getAttribute('aria-sort'), 'descending');
    await sup.getByText('共 1 件').waitFor();
    // An export done within two seconds downloads at once; a slower one (a busy machine) shows
    // its progress page, whose 下载 link appears when it is done.
    const downloading = sup.waitForEvent('download', { timeout: 90000 }).catch(() => null);
    await sup.getByRole('link', { name: /导出 Excel/ }).click();
    const first = await Promise.race([downloading, sup.waitForURL(/\/jobs\/\d+$/, { timeout: 90000 }).then(() => null, () => null)]);
    let download = first;
    if (!download) {
      await sup.getByRole('link', { name: /^下载/ }).waitFor({ timeout: 90000 });
      [download] = await Promise.all([sup.waitForEvent('download'), sup.getByRole('link', { name: /^下载/ }).click()]);
      await sup.goto(`${base}/enforcement/cases?q=%E6%9F%90%E6%9F%90%E8%B4%B8%E6%98%93`);
    }
    assert.equal(download.suggestedFilename(), 'cases.xlsx');
    await sup.getByRole('link', { name: '店口镇罚〔2026〕1号' }).click();
    assert.match(await sup.locator('dl.details').textContent(), /100 分，优秀/);

    // A phone's width: the menu folds, nothing scrolls sideways, and the pages stay usable.
    const phone = await (await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, bypassCSP: true })).newPage();
    await phone.goto(`${base}/login`);
    await phone.getByLabel('用户名').fill('dk_clerk');
    await phone.getByLabel('密码').fill(PASSWORD);
    await phone.getByRole('button', { name: '登录' }).click();
    await phone.getByRole('heading', { name: '工作台' }).waitFor();
    const menuLink = phone.getByRole('navigation', { name: '功能导航' }).getByRole('link', { name: '行政处罚案件' });
    assert.equal(await menuLink.isVisible(), false, 'the menu is folded');
    await phone.getByText('菜单', { exact: true }).click();
    assert.equal(await menuLink.isVisible(), true, 'the menu opens');
    for (const path of ['/', '/enforcement/cases', casePath, '/enforcement/cases/new', '/dashboard']) {
      await phone.goto(`${base}${path}`);
      assert.ok(await sidewaysScroll(phone) <= 0, `${path} scrolls sideways at 375 px`);
      await checkPage(phone, `phone${path.replaceAll('/', '-')}`);
    }
  } finally {
    await browser?.close();
    proc.kill('SIGINT');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
