// Browser journey of a major decision's public consultation (issue 17), in headless Chromium
// against the real `fazhi serve` on a fresh embedded database with its demo data: a town clerk
// registers a decision and publishes its draft for comment on the portal; a citizen finds it
// from the sign-in page, reads it article by article and comments with a phone number in the
// text, which is hidden before it is shown; the clerk gives every comment a disposition with
// its reason; ending the consultation before its period is refused with the reason. axe-core
// finds no serious or critical violation on the pages. Screenshots go to test-results/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launch, ready, signIn, submitted, section, act, checkPage } from './lib.js';

const PASSWORD = 'Zhuji#Browser2024';
const TITLE = '店口镇农贸市场摊位租金调整方案';
const PHONE = '13905751234';

test('a consultation goes from publication on the portal to the last disposition', { timeout: 240000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fazhi-e2e-'));
  const { proc, creds, base } = await startServer(dataDir);
  let browser;
  try {
    await ready(base);
    browser = await launch();
    const context = () => browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const clerk = await (await context()).newPage();
    await signIn(clerk, base, 'dk_clerk', creds.dk_clerk, PASSWORD);
    await clerk.getByRole('navigation', { name: '功能导航' }).getByRole('link', { name: '重大行政决策' }).click();
    await clerk.getByRole('link', { name: '登记决策事项' }).click();
    await clerk.getByLabel(/^\s*决策事项名称/).fill(TITLE);
    await clerk.getByLabel(/^\s*简要说明/).fill('调整农贸市场摊位租金标准。');
    await clerk.getByLabel(/^\s*不进行风险评估的理由/).fill('租金调整幅度小，不涉及社会稳定风险。');
    await submitted(clerk, clerk.getByRole('button', { name: '登记' }));
    await clerk.getByRole('heading', { name: TITLE }).waitFor();
    const decisionUrl = clerk.url();
    // The next step is the consultation; the review is not offered before it.
    assert.equal(await section(clerk, '合法性审查').count(), 0);
    assert.match(await clerk.locator('dl.details').textContent(), /尚未完成的必经程序.*公众参与.*专家论证/s);
    await checkPage(clerk, 'decision-new');
    await act(clerk, '公开征求意见', [[
      '决策草案全文',
      '第一条 为规范农贸市场摊位租赁，制定本方案。\n第二条 摊位租金每年调整一次，涨幅不超过百分之五。\n第三条 本方案自公布之日起实施。',
    ]], '在门户网站公开征求意见');
    assert.match(await clerk.locator('dl.details').textContent(), /公开征求意见；意见 0 条/);

    // A citizen finds the draft from the sign-in page and comments on its second article.
    const citizen = await (await context()).newPage();
    await citizen.goto(`${base}/login`);
    await citizen.getByRole('link', { name: '重大行政决策征求意见' }).click();
    await checkPage(citizen, 'consultations');
    await citizen.getByRole('link', { name: TITLE }).click();
    assert.match(await citizen.locator('section.document-text').nth(1).textContent(), /第二条.*涨幅不超过百分之五/s);
    await citizen.getByLabel(/^\s*针对/).selectOption('2');
    await citizen.getByLabel(/^\s*意见/).fill(`建议涨幅不超过百分之三。我是摊主，电话 ${PHONE}。`);
    await citizen.getByLabel(/^\s*署名/).fill('陈国强');
    await submitted(citizen, citizen.getByRole('button', { name: '提交意见' }));
    assert.match(await citizen.getByRole('status').textContent(), /已收到您的意见/);
    const shown = await citizen.locator('ol.comments').first().textContent();
    assert.match(shown, /建议涨幅不超过百分之三/);
    assert.ok(!shown.includes(PHONE), 'the phone number is hidden');
    assert.match(shown, /陈某/);
    await citizen.getByLabel(/^\s*意见/).fill('建议给困难摊户减免租金。');
    await submitted(citizen, citizen.getByRole('button', { name: '提交意见' }));
    await checkPage(citizen, 'consultation');

    // The clerk answers each comment with its disposition and reason.
    await clerk.goto(decisionUrl);
    await clerk.getByRole('link', { name: /意见处理（2 条，待处理 2 条）/ }).click();
    assert.ok(!(await clerk.locator('main').textContent()).includes(PHONE));
    await checkPage(clerk, 'decision-comments');
    const answers = [['部分采纳', '涨幅上限调整为百分之四，已修改第二条。'], ['采纳', '增加困难摊户减免条款。']];
    for (const [disposition, reason] of answers) {
      const first = clerk.locator('section.section').filter({ has: clerk.getByRole('button', { name: '保存处理结果' }) }).first();
      await first.getByLabel(/^\s*处理结果/).selectOption({ label: disposition });
      await first.getByLabel(/^\s*理由/).fill(reason);
      await submitted(clerk, first.getByRole('button', { name: '保存处理结果' }));
      assert.equal(await clerk.locator('.error').count(), 0, `${await clerk.locator('.error').allTextContents()}`);
    }
    await clerk.getByRole('link', { name: '查看全部意见' }).click();
    assert.match(await clerk.getByRole('status').textContent(), /共 2 条意见，待处理 0 条/);
    assert.match(await clerk.locator('main').textContent(), /部分采纳：涨幅上限调整为百分之四/);

    // The period still runs: ending it now is refused with the day it ends.
    await clerk.goto(decisionUrl);
    await submitted(clerk, section(clerk, '结束征求意见').getByRole('button', { name: '结束征求意见' }));
    assert.match(await clerk.locator('.error').textContent(), /征求意见期至 \d{4}-\d{2}-\d{2} 止，期满后方可结束/);
    // The dispositions wait for the decision before the public sees them.
    await citizen.reload();
    assert.ok(!(await citizen.locator('main').textContent()).includes('处理结果：'));
  } finally {
    if (browser) await browser.close();
    proc.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
