//! Generated normative documents for demos and benchmarks, in the import format: the city's
//! issuers and their number prefixes, titles in the forms the field uses (办法, 规定, 实施意见,
//! 暂行办法 …), articles in the usual structure (purpose and basis, scope, duties, measures,
//! supervision, taking effect), each document on one subject so that a search's relevant
//! documents are known (`Generated::subject`). The same seed gives the same documents.

use chrono::{Days, NaiveDate};
use rand::rngs::Xoshiro256PlusPlus;
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};

use super::Line;
use super::rules::default_expiry;

/// A subject: what it regulates, the acts it is based on, and the sentences its articles use.
pub struct Subject {
    pub name: &'static str,
    /// The object of the title (诸暨市{object}管理办法).
    pub objects: &'static [&'static str],
    pub bases: &'static [&'static str],
    pub duties: &'static [&'static str],
    pub measures: &'static [&'static str],
}

pub const SUBJECTS: &[Subject] = &[
    Subject {
        name: "行政复议",
        objects: &[
            "行政复议案件办理",
            "行政复议听证",
            "行政复议调解",
            "行政复议意见书",
        ],
        bases: &[
            "《中华人民共和国行政复议法》",
            "《中华人民共和国行政复议法实施条例》",
        ],
        duties: &[
            "行政复议机构应当自收到行政复议申请之日起五日内进行审查",
            "被申请人应当提交书面答复和作出行政行为的证据、依据",
            "行政复议机构应当听取申请人、第三人的意见",
        ],
        measures: &[
            "推行行政复议案件繁简分流",
            "建立行政复议决定书公开制度",
            "发挥行政复议化解行政争议的主渠道作用",
        ],
    },
    Subject {
        name: "城市管理",
        objects: &[
            "城市市容和环境卫生",
            "户外广告设置",
            "城市道路停车",
            "建筑垃圾处置",
        ],
        bases: &[
            "《城市市容和环境卫生管理条例》",
            "《浙江省城市市容和环境卫生管理条例》",
        ],
        duties: &[
            "综合行政执法部门负责城市市容和环境卫生的监督管理",
            "沿街单位和个人应当履行门前责任区的市容环境卫生责任",
            "设置户外广告应当符合户外广告设置规划",
        ],
        measures: &[
            "实行门前三包责任制",
            "建立城市管理网格化巡查机制",
            "推进智慧城管平台建设",
        ],
    },
    Subject {
        name: "安全生产",
        objects: &[
            "安全生产",
            "危险化学品安全",
            "消防安全责任",
            "有限空间作业安全",
        ],
        bases: &["《中华人民共和国安全生产法》", "《浙江省安全生产条例》"],
        duties: &[
            "生产经营单位的主要负责人对本单位的安全生产工作全面负责",
            "应急管理部门对安全生产工作实施综合监督管理",
            "生产经营单位应当建立安全风险分级管控和隐患排查治理双重预防机制",
        ],
        measures: &[
            "开展安全生产专项整治三年行动",
            "实行安全生产约谈制度",
            "建立重大事故隐患挂牌督办制度",
        ],
    },
    Subject {
        name: "生态环境",
        objects: &[
            "大气污染防治",
            "水污染防治",
            "固体废物污染环境防治",
            "生态环境损害赔偿",
        ],
        bases: &[
            "《中华人民共和国环境保护法》",
            "《中华人民共和国大气污染防治法》",
            "《中华人民共和国水污染防治法》",
        ],
        duties: &[
            "生态环境部门对本行政区域环境保护工作实施统一监督管理",
            "排污单位应当按照排污许可证的要求排放污染物",
            "建设项目应当依法进行环境影响评价",
        ],
        measures: &[
            "推进河长制湖长制工作",
            "建立环境污染问题发现机制",
            "实施污染物排放总量控制",
        ],
    },
    Subject {
        name: "市场监管",
        objects: &["食品安全", "特种设备安全", "农贸市场", "企业信用风险分类"],
        bases: &[
            "《中华人民共和国食品安全法》",
            "《中华人民共和国特种设备安全法》",
            "《优化营商环境条例》",
        ],
        duties: &[
            "市场监督管理部门对食品生产经营活动实施监督管理",
            "食品生产经营者对其生产经营食品的安全负责",
            "特种设备使用单位应当建立特种设备安全技术档案",
        ],
        measures: &[
            "推行包容审慎监管",
            "实施信用风险分类监管",
            "推进双随机一公开监管全覆盖",
        ],
    },
    Subject {
        name: "住房保障",
        objects: &["公共租赁住房", "住房公积金", "物业管理", "老旧小区改造"],
        bases: &[
            "《住房公积金管理条例》",
            "《物业管理条例》",
            "《公共租赁住房管理办法》",
        ],
        duties: &[
            "住房和城乡建设部门负责公共租赁住房的管理工作",
            "物业服务人应当按照约定提供物业服务",
            "申请公共租赁住房应当如实提交家庭收入、住房状况等材料",
        ],
        measures: &[
            "建立住房保障对象动态管理机制",
            "推进老旧小区综合改造",
            "完善物业服务质量评价体系",
        ],
    },
    Subject {
        name: "交通运输",
        objects: &[
            "城市公共交通",
            "道路运输",
            "网络预约出租汽车",
            "农村公路养护",
        ],
        bases: &[
            "《中华人民共和国道路运输条例》",
            "《浙江省道路运输条例》",
            "《网络预约出租汽车经营服务管理暂行办法》",
        ],
        duties: &[
            "交通运输部门负责本市道路运输管理工作",
            "网约车平台公司应当承担承运人责任",
            "公共交通企业应当按照核定的线路、站点、时间营运",
        ],
        measures: &[
            "推进城乡公交一体化",
            "实行农村公路路长制",
            "建立道路运输信用评价制度",
        ],
    },
    Subject {
        name: "农业农村",
        objects: &["农村宅基地", "耕地保护", "农村集体资产", "动物防疫"],
        bases: &[
            "《中华人民共和国土地管理法》",
            "《中华人民共和国农村集体经济组织法》",
            "《中华人民共和国动物防疫法》",
        ],
        duties: &[
            "农业农村部门负责农村宅基地改革和管理有关工作",
            "农村村民一户只能拥有一处宅基地",
            "村集体经济组织应当建立健全集体资产管理制度",
        ],
        measures: &[
            "落实耕地保护目标责任制",
            "推进农村集体产权制度改革",
            "建立强制免疫制度",
        ],
    },
    Subject {
        name: "教育",
        objects: &["校外培训机构", "义务教育招生入学", "学生资助", "幼儿园收费"],
        bases: &[
            "《中华人民共和国教育法》",
            "《中华人民共和国义务教育法》",
            "《中华人民共和国民办教育促进法》",
        ],
        duties: &[
            "教育行政部门负责校外培训机构的审批和监督管理",
            "适龄儿童、少年的父母或者其他法定监护人应当依法保证其按时入学",
            "学校应当建立学生资助工作机构",
        ],
        measures: &[
            "实行义务教育免试就近入学",
            "推进学区制管理",
            "建立家庭经济困难学生认定机制",
        ],
    },
    Subject {
        name: "卫生健康",
        objects: &["医疗机构", "传染病防治", "公共场所卫生", "家庭医生签约服务"],
        bases: &[
            "《中华人民共和国基本医疗卫生与健康促进法》",
            "《中华人民共和国传染病防治法》",
            "《公共场所卫生管理条例》",
        ],
        duties: &[
            "卫生健康部门负责医疗机构的监督管理",
            "医疗机构应当按照核准登记的诊疗科目开展诊疗活动",
            "公共场所经营者应当建立卫生管理制度",
        ],
        measures: &[
            "推进县域医共体建设",
            "完善突发公共卫生事件应急机制",
            "推行家庭医生签约服务",
        ],
    },
    Subject {
        name: "文化旅游",
        objects: &["文物保护", "旅游市场秩序", "公共文化服务", "民宿发展"],
        bases: &[
            "《中华人民共和国文物保护法》",
            "《中华人民共和国旅游法》",
            "《中华人民共和国公共文化服务保障法》",
        ],
        duties: &[
            "文化广电旅游部门负责本市文物保护和旅游市场的监督管理",
            "旅游经营者应当诚信经营",
            "文物保护单位的管理使用单位负责文物的日常保养",
        ],
        measures: &[
            "推进全域旅游示范区建设",
            "建立民宿等级评定制度",
            "实施公共文化服务标准化",
        ],
    },
    Subject {
        name: "人力社保",
        objects: &[
            "根治欠薪",
            "灵活就业人员参保",
            "职业技能培训补贴",
            "劳动人事争议调解",
        ],
        bases: &[
            "《保障农民工工资支付条例》",
            "《中华人民共和国社会保险法》",
            "《中华人民共和国劳动争议调解仲裁法》",
        ],
        duties: &[
            "人力资源和社会保障部门负责农民工工资支付的监督检查",
            "用人单位应当按时足额支付劳动者工资",
            "施工总承包单位应当开设农民工工资专用账户",
        ],
        measures: &[
            "实行农民工工资保证金制度",
            "建立欠薪预警机制",
            "推进劳动人事争议多元化解",
        ],
    },
    Subject {
        name: "自然资源",
        objects: &[
            "国有建设用地使用权出让",
            "不动产登记",
            "矿产资源",
            "国土空间规划",
        ],
        bases: &[
            "《中华人民共和国土地管理法》",
            "《不动产登记暂行条例》",
            "《中华人民共和国城乡规划法》",
        ],
        duties: &[
            "自然资源和规划部门负责国有建设用地使用权出让的组织实施",
            "不动产登记机构应当依法办理不动产登记",
            "建设单位应当按照规划条件进行建设",
        ],
        measures: &[
            "推行标准地出让",
            "实施不动产登记一窗受理",
            "建立国土空间规划实施监测评估机制",
        ],
    },
    Subject {
        name: "水利",
        objects: &["河道管理", "水资源", "防汛防台", "农村饮用水安全"],
        bases: &[
            "《中华人民共和国水法》",
            "《中华人民共和国防洪法》",
            "《浙江省河道管理条例》",
        ],
        duties: &[
            "水利部门负责河道的统一管理和监督",
            "在河道管理范围内建设建筑物应当经水利部门同意",
            "供水单位应当保证农村饮用水水质符合国家标准",
        ],
        measures: &[
            "实行最严格水资源管理制度",
            "建立防汛防台责任人体系",
            "推进农村饮用水达标提标",
        ],
    },
    Subject {
        name: "涉企服务",
        objects: &[
            "企业投资项目审批",
            "中小企业发展",
            "招商引资",
            "惠企政策兑现",
        ],
        bases: &[
            "《优化营商环境条例》",
            "《中华人民共和国中小企业促进法》",
            "《企业投资项目核准和备案管理条例》",
        ],
        duties: &[
            "发展和改革部门负责企业投资项目的核准和备案",
            "商务部门负责招商引资项目的统筹协调",
            "政策兑现应当公开条件、标准和程序",
        ],
        measures: &[
            "推行惠企政策直达快享",
            "实行企业投资项目承诺制",
            "建立涉企问题高效闭环解决机制",
        ],
    },
];

/// Sentences any document may use.
const GENERAL: &[&str] = &[
    "各有关部门应当按照各自职责做好相关工作",
    "乡镇人民政府、街道办事处应当做好辖区内的相关工作",
    "有关部门应当加强信息共享和工作协同",
    "任何单位和个人有权对违反本办法的行为进行投诉和举报",
    "有关部门应当将相关信息纳入公共信用信息平台",
    "工作所需经费列入同级财政预算",
];

/// The forms of a title: `{}` is the subject's object.
const FORMS: &[&str] = &[
    "诸暨市{}管理办法",
    "诸暨市{}管理规定",
    "诸暨市{}暂行办法",
    "诸暨市{}实施细则",
    "关于加强{}工作的实施意见",
    "关于进一步规范{}的通知",
    "诸暨市{}试行办法",
];

const ORDINALS: &[&str] = &["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// 1 → 一, 10 → 十, 21 → 二十一 (up to 99).
pub fn chinese_number(n: usize) -> String {
    match n {
        0..=9 => ORDINALS[n].to_string(),
        10..=19 => format!("十{}", ORDINALS[n - 10]),
        _ => format!("{}十{}", ORDINALS[(n / 10).min(9)], ORDINALS[n % 10]),
    }
}

/// The day the generator writes as of (statuses, filings), fixed so that a seed gives the same
/// documents whenever it runs.
fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()
}

/// A generated document, with the index of its subject in `SUBJECTS`.
pub struct Generated {
    pub line: Line,
    pub subject: usize,
}

/// Issuers: name and number prefix.
fn issuers() -> Vec<(String, String)> {
    let mut v = vec![
        ("诸暨市人民政府".to_string(), "诸政发".to_string()),
        ("诸暨市人民政府".to_string(), "诸政规".to_string()),
    ];
    for (name, abbr) in crate::demo::CITY_DEPARTMENTS {
        v.push(((*name).to_string(), format!("{abbr}发")));
    }
    v
}

/// `count` documents from `seed`, oldest numbers first within each issuer and year.
pub fn generate(count: u64, seed: u64) -> impl Iterator<Item = Generated> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let issuers = issuers();
    let mut sequences: std::collections::HashMap<(usize, i32), u32> = Default::default();
    let first = NaiveDate::from_ymd_opt(2005, 1, 1).unwrap_or_default();
    let mut issued_numbers: Vec<String> = Vec::new();
    (0..count).map(move |_| {
        let subject_ix = rng.random_range(0..SUBJECTS.len());
        let s = &SUBJECTS[subject_ix];
        let issuer_ix = rng.random_range(0..issuers.len());
        let (issuer, prefix) = &issuers[issuer_ix];
        let issued = first + Days::new(rng.random_range(0..7_600));
        let year = chrono::Datelike::year(&issued);
        let seq = sequences.entry((issuer_ix, year)).or_insert(0);
        *seq += 1 + rng.random_range(0..3);
        let number = format!("{prefix}〔{year}〕{seq}号");
        let object = s.objects.choose(&mut rng).copied().unwrap_or(s.name);
        let form = FORMS.choose(&mut rng).copied().unwrap_or(FORMS[0]);
        let title = form.replace("{}", object);
        let kind = if title.ends_with("通知") || title.ends_with("意见") {
            "意见"
        } else {
            "办法"
        };
        let published = issued + Days::new(rng.random_range(0..5));
        let effective = published + Days::new(rng.random_range(0..31));
        let basis: Vec<String> = s
            .bases
            .iter()
            .filter(|_| rng.random_bool(0.7))
            .map(|b| (*b).to_string())
            .collect();
        let basis = if basis.is_empty() {
            vec![s.bases[0].to_string()]
        } else {
            basis
        };
        let mut articles = vec![
            format!(
                "为了规范{object}工作，保障公民、法人和其他组织的合法权益，根据{}等法律法规，结合本市实际，制定本{kind}。",
                basis.join("、")
            ),
            format!("本{kind}适用于本市行政区域内的{object}及其监督管理活动。"),
        ];
        let middle = rng.random_range(3..12);
        for _ in 0..middle {
            let pool: &[&str] = match rng.random_range(0..3) {
                0 => s.duties,
                1 => s.measures,
                _ => GENERAL,
            };
            let sentence = pool.choose(&mut rng).copied().unwrap_or(GENERAL[0]);
            articles.push(format!("{sentence}。"));
        }
        articles.push(format!(
            "本{kind}自{}起施行，由诸暨市{}负责解释。",
            effective.format("%Y年%-m月%-d日"),
            &issuer.trim_start_matches("诸暨市"),
        ));
        let text = articles
            .iter()
            .enumerate()
            .map(|(i, a)| format!("第{}条 {a}", chinese_number(i + 1)))
            .collect::<Vec<_>>()
            .join("\n");
        let expires = default_expiry(&title, effective);
        let today = as_of();
        let status = if expires < today {
            if rng.random_bool(0.3) { "repealed" } else { "expired" }
        } else {
            match rng.random_range(0..20) {
                0 => "to_revise",
                1 => "to_repeal",
                _ => "in_force",
            }
        };
        // One document in eight repeals an earlier one.
        let repeals = match issued_numbers.choose(&mut rng) {
            Some(old) if rng.random_bool(0.125) => vec![old.clone()],
            _ => Vec::new(),
        };
        issued_numbers.push(number.clone());
        let filed = published + Days::new(rng.random_range(1..40));
        Generated {
            subject: subject_ix,
            line: Line {
                number,
                title,
                issuer: issuer.clone(),
                issued_on: issued.to_string(),
                published_on: Some(published.to_string()),
                effective_on: Some(effective.to_string()),
                expires_on: None,
                legal_basis: basis,
                status: Some(status.into()),
                amends: Vec::new(),
                repeals,
                text,
                filed_on: (filed < today).then(|| filed.to_string()),
                review_id: None,
            },
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_documents_pass_the_import_checks_and_repeat_with_the_seed() {
        let a: Vec<Generated> = generate(300, 7).collect();
        let b: Vec<Generated> = generate(300, 7).collect();
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(x.line.number, y.line.number);
            assert_eq!(x.line.text, y.line.text);
        }
        let mut numbers = std::collections::HashSet::new();
        for g in &a {
            let c = super::super::rules::check(&g.line)
                .unwrap_or_else(|e| panic!("{}: {:?}", g.line.number, e.refused_fields()));
            assert!(numbers.insert(c.number.clone()), "numbers are unique");
            assert!(g.line.text.starts_with("第一条 为了规范"));
        }
        assert_eq!(chinese_number(21), "二十一");
        assert_eq!(chinese_number(10), "十");
    }
}
