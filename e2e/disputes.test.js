// Browser journey of a dispute at the one window (issue 18), in headless Chromium against the
// real `fazhi serve` on a fresh embedded database: a citizen verifies their identity on the
// portal (resident ID checked; the demo's stand-in second factor shows the code and says so)
// and applies for mediation online; the routing rules send it to 店口镇's mediation centre with
// the rule named; the town clerk escalates it to the city centre; the bureau's supervisor
// records the agreement; the citizen reads the outcome on the portal. axe-core finds no serious
// or critical violation on the pages. Screenshots go to test-results/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launch, ready, signIn, submitted, act, checkPage } from './lib.js';

const PASSWORD = 'Zhuji#Browser2024';

// GB 11643: the check character of a resident ID's first 17 digits.
function residentId(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

test('a dispute applied for online is routed, escalated and agreed', { timeout: 240000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fazhi-e2e-'));
  const { proc, creds, base } = await startServer(dataDir);
  let browser;
  try {
    await ready(base);
    browser = await launch();
    const context = () => browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });

    // The citizen: from the sign-in page to a verified identity.
    const citizen = await (await context()).newPage();
    await citizen.goto(`${base}/login`);
    await citizen.getByRole('link', { name: '网上申请矛盾纠纷调解' }).click();
    await citizen.getByRole('heading', { name: '实名核验' }).waitFor();
    await checkPage(citizen, 'identity');
    const id = residentId('33068119850315123');
    const wrong = id.slice(0, 17) + (id.endsWith('0') ? '1' : '0');
    await citizen.getByLabel(/^\s*姓名/).fill('王小明');
    await citizen.getByLabel(/^\s*公民身份号码/).fill(wrong);
    await citizen.getByLabel(/^\s*手机号码/).fill('13812345678');
    await submitted(citizen, citizen.getByRole('button', { name: '获取验证码' }));
    assert.match(await citizen.locator('.error').textContent(), /公民身份号码有误（校验码不符）/);
    await citizen.getByLabel(/^\s*公民身份号码/).fill(id);
    await submitted(citizen, citizen.getByRole('button', { name: '获取验证码' }));
    const intro = await citizen.locator('main').textContent();
    assert.match(intro, /演示环境没有接入短信网关，验证码没有真正发送/);
    const code = intro.match(/的验证码是 (\d{6})/)[1];
    await checkPage(citizen, 'identity-code');
    await citizen.getByLabel(/^\s*验证码/).fill(code);
    await submitted(citizen, citizen.getByRole('button', { name: '核验' }));

    // The application, routed by the rules.
    await citizen.getByRole('heading', { name: '在线申请调解' }).waitFor();
    assert.match(await citizen.locator('main').textContent(), /申请人：王小明（330681/);
    await citizen.getByLabel(/^\s*对方当事人/).fill('某五金厂');
    await citizen.getByLabel(/^\s*纠纷类型/).selectOption({ label: '劳动报酬' });
    await citizen.getByLabel(/^\s*所在镇乡/).selectOption({ label: '店口镇' });
    await citizen.getByLabel(/^\s*所在村/).fill('湄池村');
    await citizen.getByLabel(/^\s*纠纷情况和请求/).fill('五金厂拖欠三个月工资共一万八千元，请求调解。');
    await citizen.getByLabel(/^\s*涉及金额/).fill('18000');
    await checkPage(citizen, 'dispute-apply');
    await submitted(citizen, citizen.getByRole('button', { name: '提交申请' }));
    assert.match(await citizen.getByRole('status').textContent(), /已转店口镇矛盾纠纷调解中心办理/);
    const details = await citizen.locator('dl.details').textContent();
    assert.match(details, /规则 12：劳动报酬；金额 ≤ 20000 元 → 店口镇矛盾纠纷调解中心（简易）/);
    assert.ok(!details.includes('13812345678'), 'the phone number is masked');
    const number = (await citizen.locator('h1').textContent()).split('：')[0];
    await checkPage(citizen, 'dispute-portal');

    // The town's clerk finds it on the desk and takes it up to the city centre.
    const clerk = await (await context()).newPage();
    await signIn(clerk, base, 'dk_clerk', creds.dk_clerk, PASSWORD);
    await clerk.getByRole('navigation', { name: '功能导航' }).getByRole('link', { name: '矛盾纠纷受理' }).click();
    await checkPage(clerk, 'dispute-desk');
    await clerk.getByRole('link', { name: number }).click();
    assert.match(await clerk.locator('dl.details').textContent(), /网上申请.*规则 12/s);
    await checkPage(clerk, 'dispute-town');
    await act(clerk, '升级至上一级调解', [['升级的理由', '企业负责人拒不到场，镇级调解未果']], '升级');
    assert.match(await clerk.locator('main').textContent(), /现由诸暨市社会矛盾纠纷调处化解中心办理.*不在本单位的纠纷工作台中/s);

    // The bureau's supervisor (the city centre) records the agreement.
    const sup = await (await context()).newPage();
    await signIn(sup, base, 'sfj_supervisor', creds.sfj_supervisor, PASSWORD);
    await sup.goto(`${base}/disputes?stage=open`);
    await sup.getByRole('link', { name: number }).click();
    const history = await sup.locator('dl.details').textContent();
    assert.match(history, /分流 2：逐级升级.*店口镇矛盾纠纷调解中心未化解 → 诸暨市社会矛盾纠纷调处化解中心.*企业负责人拒不到场/s);
    await act(sup, '达成调解协议', [['调解协议的内容', '五金厂于本月底前一次性支付工资一万八千元。']], '记录调解协议');
    assert.match(await sup.getByRole('status').textContent(), /已记录：达成调解协议/);
    await checkPage(sup, 'dispute-agreed');

    // The citizen reads the outcome on the portal.
    await citizen.goto(`${base}/public/disputes`);
    const row = citizen.getByRole('row').filter({ hasText: number });
    assert.match(await row.textContent(), /达成调解协议/);
    await row.getByRole('link', { name: number }).click();
    const outcome = await citizen.locator('dl.details').textContent();
    assert.match(outcome, /五金厂于本月底前一次性支付工资/);
    assert.match(outcome, /可以申请司法确认.*三十日内/s);
  } finally {
    if (browser) await browser.close();
    proc.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
