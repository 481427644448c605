// Browser journey of issue 17, in headless Chromium against the real `fazhi serve` on a fresh
// embedded database with its demo data: a town clerk sends a draft normative document for
// legality review and provides each stage's materials; the justice bureau's supervisor accepts
// it, names himself reviewer with his declaration of no conflict, signs the opinion drafted from
// the assisted review's flags, registers the document as published, records its filing; a
// citizen finds it in the public library; the supervisor cleans up the year's documents.
// axe-core finds no serious or critical violation on the pages. Screenshots go to test-results/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launch, ready, signIn, submitted, section, act, checkPage } from './lib.js';

const PASSWORD = 'Zhuji#Browser2024';
const TITLE = '店口镇村庄环境卫生管理办法';

async function provide(page, material) {
  const s = section(page, '提供材料');
  const select = s.getByLabel(/^\s*材料/);
  const value = await select.locator('option', { hasText: material }).first().getAttribute('value');
  await select.selectOption(value);
  await s.getByLabel(/^\s*说明/).fill(`${material}，见纸质材料第1-5页`);
  await submitted(page, s.getByRole('button', { name: '提供' }));
  assert.equal(await page.locator('.error').count(), 0, `${material}: ${await page.locator('.error').allTextContents()}`);
}

async function finishStage(page) {
  await submitted(page, page.getByRole('button', { name: '完成本环节' }));
  assert.equal(await page.locator('.error').count(), 0, `${await page.locator('.error').allTextContents()}`);
}

test('a draft goes through legality review, publication, filing, the public library and a cleanup', { timeout: 240000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fazhi-e2e-'));
  const { proc, creds, base } = await startServer(dataDir);
  let browser;
  try {
    await ready(base);
    browser = await launch();
    const clerk = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true })).newPage();
    await signIn(clerk, base, 'dk_clerk', creds.dk_clerk, PASSWORD);
    const nav = clerk.getByRole('navigation', { name: '功能导航' });
    await nav.getByRole('link', { name: '合法性审查', exact: true }).click();
    await clerk.getByRole('link', { name: '送审', exact: true }).click();
    await clerk.getByLabel(/^\s*类别/).selectOption('normative');
    await clerk.getByLabel(/^\s*事项名称/).fill(TITLE);
    await clerk.getByLabel(/^\s*送审稿/).fill('第一条 为了改善村庄环境，根据《城市市容和环境卫生管理条例》，制定本办法。\n第二条 村民应当将生活垃圾投放到指定地点。\n第三条 乱倒垃圾的，处二百元罚款。');
    await submitted(clerk, clerk.getByRole('button', { name: '送审' }));
    await clerk.getByRole('heading', { name: TITLE }).waitFor();
    const requestUrl = clerk.url();
    // A stage cannot be finished while a required material is missing: the button is not offered.
    assert.equal(await clerk.getByRole('button', { name: '完成本环节' }).count(), 0);
    for (const m of ['文件送审稿及起草说明', '制定依据', '征求意见及采纳情况']) await provide(clerk, m);
    await checkPage(clerk, 'review-request-clerk');
    await finishStage(clerk);
    assert.match(await clerk.locator('dl.details').textContent(), /提交审核 · 受理/);

    // The centre accepts, names the reviewer, works the stages and signs the opinion.
    const sup = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true })).newPage();
    await signIn(sup, base, 'sfj_supervisor', creds.sfj_supervisor, PASSWORD);
    await sup.goto(`${base}/review/requests`);
    await sup.getByRole('link', { name: TITLE }).click();
    await provide(sup, '材料齐全核对');
    await finishStage(sup);
    assert.match(await sup.locator('dl.details').textContent(), /规范性文件合法性审查.*届满（计时中）/);
    const reviewer = section(sup, '指定审查人员').getByLabel(/^\s*审查人员/);
    const me = await reviewer.locator('option').first().textContent();
    await act(sup, '指定审查人员', [['审查人员', me], ['审查人员已声明与本事项及送审单位无利害关系', true]], '指定');
    await provide(sup, '审核工作底稿');
    await finishStage(sup);
    const opinion = section(sup, '出具审查意见（签署）');
    const draft = await opinion.getByLabel(/^\s*审查意见/).inputValue();
    assert.match(draft, /第三条.*设定行政处罚.*罚款/, 'the first round is drafted from the flags');
    await checkPage(sup, 'review-opinion-form');
    await act(sup, '出具审查意见（签署）', [['审查结论', '修改后合法'], ['审查意见', `${draft}\n审查人员意见：删除第三条后合法。`]], '签署审查意见');
    assert.match(await sup.locator('dl.details').textContent(), /诸司审〔\d{4}〕\d+号：修改后合法/);
    const docx = await sup.request.get(`${requestUrl}/opinion.docx`);
    assert.equal(docx.status(), 200);

    // Registered as published: the reviewed text enters the register; the filing is recorded.
    await act(sup, '登记发布（进入规范性文件库）', [['文号', '店政发〔2026〕3号']], '登记发布');
    await sup.getByRole('heading', { name: TITLE }).waitFor();
    assert.match(await sup.locator('dl.details').textContent(), /未备案/);
    await checkPage(sup, 'normative-document');
    await act(sup, '记录报送备案', [], '记录备案');
    assert.match(await sup.locator('dl.details').textContent(), /已报送备案/);
    assert.match(await sup.locator('dl.details').textContent(), /规范性文件报送备案.*已完成/);

    // A citizen finds it in the public library, the words marked.
    const citizen = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true })).newPage();
    await citizen.goto(`${base}/login`);
    await citizen.getByRole('link', { name: '行政规范性文件库' }).click();
    await citizen.getByLabel(/^\s*关键词/).fill('村庄环境 垃圾');
    await submitted(citizen, citizen.getByRole('button', { name: '检索' }));
    assert.match(await citizen.getByRole('status').textContent(), /找到 1 件/);
    assert.ok(await citizen.locator('.hit-snippet b').count() > 0, 'words marked in the passage');
    await checkPage(citizen, 'public-library');
    await citizen.getByRole('link', { name: TITLE }).click();
    assert.match(await citizen.locator('.document-text').first().textContent(), /第一条 为了改善村庄环境/);

    // The supervisor cleans up this year's documents: one verdict with its reason, then done.
    await sup.getByRole('navigation', { name: '功能导航' }).getByRole('link', { name: '规范性文件清理' }).click();
    await sup.getByRole('link', { name: '发起清理' }).click();
    const year = new Date().getFullYear();
    await sup.getByLabel(/^\s*清理名称/).fill(`${year}年度行政规范性文件清理`);
    await sup.getByLabel(/^\s*印发日期自/).fill(`${year}-01-01`);
    await sup.getByLabel(/^\s*印发日期至/).fill(`${year}-12-31`);
    await submitted(sup, sup.getByRole('button', { name: '发起清理' }));
    assert.match(await sup.locator('h2#items-h').textContent(), /（1 件）/);
    await act(sup, '逐件清理', [['清理结论', '保留'], ['理由', '仍需适用，内容与上位法一致。']], '保存结论');
    await checkPage(sup, 'cleanup');
    await submitted(sup, sup.getByRole('button', { name: '结束清理' }));
    await submitted(sup, sup.getByRole('button', { name: '完成清理' }));
    assert.match(await sup.locator('dl.details').textContent(), /已完成/);
    assert.match(await sup.locator('table').first().textContent(), /1 件.*1 件.*0\.00%/s);
  } finally {
    if (browser) await browser.close();
    proc.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
