//! Kernel benchmarks: identifiers validated per second, personal data scanned per second (beside
//! a regex-only scan, what a developer would otherwise write), deadlines computed per second.
//! `bench/run` runs these and python-stdnum on the same identifiers, side by side.

use std::hint::black_box;

use chrono::{Days, NaiveDate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use fazhi_kernel::calendar::Calendar;
use fazhi_kernel::ids::{ResidentId, Uscc, resident_id, uscc};
use fazhi_kernel::period::{Period, due_date};
use fazhi_kernel::personal::{Party, PartyKind, person_names, scan};

/// A deterministic generator (no rand dependency; the sequence is part of the benchmark's definition).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, s: &'a [&'a str]) -> &'a str {
        s[(self.next() as usize) % s.len()]
    }
}

const DIVISIONS: &[&str] = &["330681", "330625", "330602", "110105", "440305", "320106"];
const CHARSET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// 10,000 resident IDs and 10,000 USCCs, nine in ten valid, one in ten with a wrong check character.
pub fn identifiers() -> (Vec<String>, Vec<String>) {
    let mut g = Lcg(2024);
    let start = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap_or_default();
    let mut ids = Vec::new();
    let mut usccs = Vec::new();
    for i in 0..10_000 {
        let birth = start + Days::new(g.next() % 25_000);
        let first17 = format!(
            "{}{}{:03}",
            g.pick(DIVISIONS),
            birth.format("%Y%m%d"),
            g.next() % 1000
        );
        let mut check = resident_id::check_character(first17.as_bytes()).unwrap_or('0');
        if i % 10 == 9 {
            check = if check == '1' { '2' } else { '1' };
        }
        ids.push(format!("{first17}{check}"));
        let body: String = (0..8)
            .map(|_| char::from(CHARSET[(g.next() % 31) as usize]))
            .collect();
        let org = format!("{body}{}", uscc::org_check_character(&body).unwrap_or('0'));
        let first17 = format!("91{}{org}", g.pick(DIVISIONS));
        let mut check = uscc::check_character(&first17).unwrap_or('0');
        if i % 10 == 9 {
            check = if check == '1' { '2' } else { '1' };
        }
        usccs.push(format!("{first17}{check}"));
    }
    (ids, usccs)
}

/// About 1 MB of realistic penalty-decision text: parties, numbers, amounts, case numbers, law.
pub fn decision_text() -> (String, Vec<String>) {
    let (ids, usccs) = identifiers();
    let surnames = ["张", "王", "李", "赵", "陈", "杨", "黄", "周", "吴", "徐"];
    let mut g = Lcg(7);
    let mut names = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 1_000_000 {
        let name = format!(
            "{}{}",
            surnames[i % 10],
            ["伟", "芳", "娜", "敏", "静", "强", "磊", "军"][i % 8]
        );
        names.push(name.clone());
        text.push_str(&format!(
            "诸暨市市场监督管理局行政处罚决定书\n诸市监罚〔2024〕{seq}号\n当事人：{name}，性别：男，公民身份号码：{id}，住址：浙江省诸暨市暨阳街道艮塔西路{no}号，联系电话：13{phone:09}。\n\
             当事人：诸暨市袜业有限公司{i}，统一社会信用代码：{uscc}，住所：诸暨市大唐街道工业区{no}号，法定代表人：{name}。\n\
             经查，当事人于2023年{m}月{d}日起销售不符合国家标准的袜子共计{qty}双，货值金额人民币{amount}.00元，违法所得人民币{gain}元。\
             上述事实，有现场检查笔录、询问笔录、进货单据等证据为证。当事人的行为违反了《中华人民共和国产品质量法》第三十二条的规定，\
             依据《中华人民共和国产品质量法》第五十条和《中华人民共和国行政处罚法》第三十二条第（一）项的规定，决定如下：\
             一、没收违法所得人民币{gain}元；二、罚款人民币{fine}元。请于收到本决定书之日起十五日内缴至指定银行，账号{account}。\
             逾期不缴纳罚款的，每日按罚款数额的百分之三加处罚款。如不服本决定，可以在收到本决定书之日起六十日内向诸暨市人民政府申请行政复议，\
             也可以在六个月内依法向诸暨市人民法院提起行政诉讼。联系人邮箱 case{seq}@zjamr.example.cn。\n\n",
            seq = 1000 + i,
            id = ids[i % ids.len()],
            no = g.next() % 300,
            phone = 800_000_000 + g.next() % 199_999_999,
            uscc = usccs[i % usccs.len()],
            m = 1 + g.next() % 12,
            d = 1 + g.next() % 28,
            qty = g.next() % 5000,
            amount = g.next() % 90_000,
            gain = g.next() % 9000,
            fine = 5000 + g.next() % 50_000,
            account = "6228480402564890018",
        ));
        i += 1;
    }
    (text, names)
}

/// The same kind of text with numbers as people type them: resident IDs in groups (spaces,
/// dashes, full-width digits), mobiles with dashes and +86, landlines with area codes, bank
/// cards in groups of four; and people other than the parties (其妻…, 证人…).
pub fn typed_decision_text() -> String {
    let (ids, _) = identifiers();
    let surnames = ["张", "王", "李", "赵", "陈", "杨", "黄", "周", "吴", "徐"];
    let given = ["秀英", "国强", "建华", "丽娟", "志明", "晓燕", "伟", "芳"];
    let mut g = Lcg(11);
    let mut text = String::new();
    let mut i = 0;
    while text.len() < 1_000_000 {
        let id = &ids[i % ids.len()];
        let id = match i % 3 {
            0 => format!("{} {} {} {}", &id[..6], &id[6..10], &id[10..14], &id[14..]),
            1 => format!("{}-{}-{}", &id[..6], &id[6..14], &id[14..]),
            _ => id
                .chars()
                .map(|c| {
                    c.to_digit(10)
                        .and_then(|d| char::from_u32(0xFF10 + d))
                        .unwrap_or(c)
                })
                .collect(),
        };
        let p = 800_000_000 + g.next() % 199_999_999;
        let mobile = if i % 2 == 0 {
            format!(
                "13{}-{:04}-{:04}",
                p / 100_000_000,
                p / 10_000 % 10_000,
                p % 10_000
            )
        } else {
            format!(
                "+86 13{} {:04} {:04}",
                p / 100_000_000,
                p / 10_000 % 10_000,
                p % 10_000
            )
        };
        text.push_str(&format!(
            "诸暨市市场监督管理局行政处罚决定书\n诸市监罚〔2024〕{seq}号\n当事人：{s}{n}，公民身份号码：{id}，\
             联系电话：{mobile}，固定电话（0575）{l1} {l2:04}。\n经查，当事人于2023年{m}月{d}日起销售过期食品，其妻{s2}{n2}负责收银，\
             证人{s}某某在场。货值金额人民币{amount}.00元。当事人的行为违反了《中华人民共和国食品安全法》第三十四条的规定，\
             决定罚款人民币{fine}元，缴至账号6222 0212 3456 7890 128或0575-{l1}{l2:04}查询。\n\n",
            seq = 1000 + i,
            s = surnames[i % 10],
            n = given[i % 8],
            s2 = surnames[(i + 3) % 10],
            n2 = given[(i + 5) % 8],
            l1 = 8000 + g.next() % 1999,
            l2 = g.next() % 10_000,
            m = 1 + g.next() % 12,
            d = 1 + g.next() % 28,
            amount = g.next() % 90_000,
            fine = 5000 + g.next() % 50_000,
        ));
        i += 1;
    }
    text
}

fn regex_only() -> regex::Regex {
    // What a developer writes without checksums: every long digit run looks like a number.
    regex::Regex::new(r"\d{17}[\dXx]|1[3-9]\d{9}|\d{16,19}|[0-9A-Z]{18}|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
        .unwrap_or_else(|_| regex::Regex::new("$^").unwrap_or_else(|_| unreachable!()))
}

fn benches(c: &mut Criterion) {
    let (ids, usccs) = identifiers();
    // bench/run hands the same identifiers to python-stdnum.
    if let Ok(path) = std::env::var("FAZHI_BENCH_IDS") {
        let _ = std::fs::write(&path, format!("{}\n{}\n", ids.join("\n"), usccs.join("\n")));
    }
    let mut g = c.benchmark_group("identifiers");
    g.throughput(Throughput::Elements(ids.len() as u64));
    g.bench_function("resident_id_validate", |b| {
        b.iter(|| {
            ids.iter()
                .filter(|s| ResidentId::parse(black_box(s)).is_ok())
                .count()
        })
    });
    g.bench_function("uscc_validate", |b| {
        b.iter(|| {
            usccs
                .iter()
                .filter(|s| Uscc::parse(black_box(s)).is_ok())
                .count()
        })
    });
    g.finish();

    let (text, names) = decision_text();
    let parties: Vec<Party> = names
        .iter()
        .take(64)
        .map(|n| Party {
            name: n,
            kind: PartyKind::Person,
        })
        .collect();
    let mut g = c.benchmark_group("personal_data_scan");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.sample_size(20);
    g.bench_function("fazhi_scan", |b| {
        b.iter(|| scan(black_box(&text), &[]).len())
    });
    g.bench_function("fazhi_scan_with_64_party_names", |b| {
        b.iter(|| scan(black_box(&text), &parties).len())
    });
    let re = regex_only();
    let ours: std::collections::HashSet<(usize, usize)> =
        scan(&text, &[]).iter().map(|f| (f.start, f.end)).collect();
    let theirs: Vec<(usize, usize)> = re.find_iter(&text).map(|m| (m.start(), m.end())).collect();
    let false_hits = theirs.iter().filter(|m| !ours.contains(m)).count();
    let missed = ours.iter().filter(|m| !theirs.contains(m)).count();
    eprintln!(
        "decision text {} bytes: fazhi finds {} items (check characters verified); the regex-only scan matches {} strings, \
         {false_hits} of them not personal data or cut wrongly, and misses {missed} that fazhi finds",
        text.len(),
        ours.len(),
        theirs.len(),
    );
    g.bench_function("regex_only_scan", |b| {
        b.iter(|| re.find_iter(black_box(&text)).count())
    });
    let typed = typed_decision_text();
    eprintln!(
        "typed decision text {} bytes: fazhi finds {} numbers",
        typed.len(),
        scan(&typed, &[]).len()
    );
    g.bench_function("fazhi_scan_typed_forms", |b| {
        b.iter(|| scan(black_box(&typed), &[]).len())
    });
    g.finish();

    // Other people's names: the text is segmented and tagged (jieba), far slower than the
    // number scan; measured on the first ~100 KB of the typed text.
    let cut = (100_000..typed.len())
        .find(|i| typed.is_char_boundary(*i))
        .unwrap_or(typed.len());
    let part = &typed[..cut];
    eprintln!(
        "person_names on {} bytes: {} names",
        part.len(),
        person_names(part).len()
    );
    let mut g = c.benchmark_group("person_names");
    g.throughput(Throughput::Bytes(part.len() as u64));
    g.sample_size(10);
    g.bench_function("fazhi_person_names", |b| {
        b.iter(|| person_names(black_box(part)).len())
    });
    g.finish();

    let cal = Calendar::embedded();
    let start = NaiveDate::from_ymd_opt(2008, 1, 1).unwrap_or_default();
    let cases: Vec<(NaiveDate, Period)> = (0..1000u64)
        .map(|i| {
            let p = match i % 3 {
                0 => Period::CalendarDays(90),
                1 => Period::WorkingDays(20),
                _ => Period::Months(6),
            };
            (start + Days::new(i * 6), p)
        })
        .collect();
    let mut g = c.benchmark_group("deadlines");
    g.throughput(Throughput::Elements(cases.len() as u64));
    g.bench_function("due_date_mixed_periods", |b| {
        b.iter(|| {
            cases
                .iter()
                .map(|(s, p)| due_date(cal, black_box(*s), *p).due)
                .max()
        })
    });
    g.finish();
}

criterion_group!(kernel, benches);
criterion_main!(kernel);
