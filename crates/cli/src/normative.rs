//! `fazhi generate normative-documents`, `fazhi import normative-documents`, `fazhi search
//! documents` and `fazhi bench search`: the register's interfaces scripts rely on (keep their
//! flags and output stable; see docs/normative-documents.md).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use fazhi::StartError;
use fazhi_core::Actor;
use fazhi_core::normative::{self, library, synthetic};
use fazhi_search::{Entry, Library, Query};
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use sqlx::{Connection, Row};

use super::cases::{bar, print_json};
use super::{DbArgs, open};

fn io(what: &str) -> impl Fn(std::io::Error) -> StartError + '_ {
    move |e| StartError::Input {
        what: what.into(),
        message: e.to_string(),
    }
}

fn index(e: fazhi_search::SearchError) -> StartError {
    StartError::Input {
        what: "search index".into(),
        message: e.to_string(),
    }
}

/// Writes `count` generated documents as JSON Lines to standard output.
pub fn generate(count: u64, seed: u64) -> Result<ExitCode, StartError> {
    let progress = bar(Some(count), "generating normative documents");
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut written = 0u64;
    for g in synthetic::generate(count, seed) {
        let line = serde_json::to_string(&g.line).map_err(|e| StartError::Input {
            what: "document".into(),
            message: e.to_string(),
        })?;
        match writeln!(out, "{line}") {
            Ok(()) => {}
            // A closed pipe (`| head`) is the reader's choice, not a failure.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
            Err(e) => return Err(io("stdout")(e)),
        }
        written += 1;
        if written.is_multiple_of(1024) {
            progress.set_position(written);
        }
    }
    progress.finish_and_clear();
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(io("stdout")(e)),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// Imports a JSON Lines file into the register, then brings the library's index up to date.
pub async fn import(db: DbArgs, file: PathBuf, json: bool) -> Result<ExitCode, StartError> {
    let (store, config, database) = open(&db).await?;
    let keyring = fazhi::keyring(&config, &database)?;
    if config.demo.unwrap_or(true) {
        // The issuers are the demo organisation's units; passwords to stderr, stdout is the report.
        if let Some(creds) = fazhi::prepare_demo(&store, &keyring).await? {
            super::print_credentials(&creds, &mut std::io::stderr());
        }
    } else {
        fazhi::prepare(&store, false).await?;
    }
    let actor = Actor::operator();
    let in_force = fazhi_core::deadlines::in_force(&store).await?;
    let ctx = fazhi_core::Ctx {
        store: &store,
        actor: &actor,
        keyring: &keyring,
        clock: fazhi_core::deadlines::Clock {
            cal: &in_force.0,
            policy: in_force.1,
            today: fazhi_core::deadlines::china_today(),
        },
    };
    let reader: Box<dyn tokio::io::AsyncRead + Unpin + Send> = if file.as_os_str() == "-" {
        Box::new(tokio::io::stdin())
    } else {
        Box::new(
            tokio::fs::File::open(&file)
                .await
                .map_err(io(&file.display().to_string()))?,
        )
    };
    let progress = bar(None, "importing normative documents, line");
    let reader = tokio::io::BufReader::with_capacity(1 << 16, reader);
    let report = normative::import_json_lines(&ctx, reader, &|n| {
        if n.is_multiple_of(256) {
            progress.set_position(n as u64);
        }
    })
    .await?;
    progress.finish_and_clear();
    let lib = fazhi::library(&database, db.data_dir.as_deref(), &config)?;
    let indexing = bar(None, "indexing documents");
    library::sync(&store, &lib, &|n| indexing.set_position(n)).await?;
    indexing.finish_and_clear();
    if json {
        print_json(&report)?;
    } else {
        println!(
            "imported: {} inserted, {} updated, {} unchanged, {} rejected",
            report.inserted, report.updated, report.unchanged, report.rejected
        );
        for e in &report.errors {
            println!("  line {}: {}", e.line, e.reason);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Searches the library (brought up to date with the register first).
pub async fn search(
    db: DbArgs,
    words: String,
    limit: usize,
    json: bool,
) -> Result<ExitCode, StartError> {
    let (store, config, database) = open(&db).await?;
    fazhi_store::migrate::run(&store).await?;
    let lib = fazhi::library(&database, db.data_dir.as_deref(), &config)?;
    let found = library::search(
        &store,
        &lib,
        &Query {
            words,
            limit,
            ..Query::default()
        },
    )
    .await?;
    if json {
        let hits: Vec<serde_json::Value> = found
            .hits
            .hits
            .iter()
            .map(|h| {
                serde_json::json!({ "number": h.number, "title": h.title, "score": h.score, "snippet": h.snippet })
            })
            .collect();
        print_json(
            &serde_json::json!({ "hits": hits, "total": found.hits.total, "ms": found.ms }),
        )?;
    } else {
        println!("{} 件（{:.2} ms）", found.hits.total, found.ms);
        for h in &found.hits.hits {
            println!(
                "{}  {}  [{:.2}]\n    {}",
                h.number, h.title, h.score, h.snippet
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A query with its judged answers: the documents of `subject` whose title holds `title_has`
/// (every document of the subject when it is empty). Written by hand for the relevance measure.
struct Judged {
    query: &'static str,
    subject: &'static str,
    title_has: &'static str,
}

const JUDGED: &[Judged] = &[
    Judged {
        query: "行政复议",
        subject: "行政复议",
        title_has: "",
    },
    Judged {
        query: "行政复议听证",
        subject: "行政复议",
        title_has: "听证",
    },
    Judged {
        query: "复议意见书",
        subject: "行政复议",
        title_has: "意见书",
    },
    Judged {
        query: "复议调解",
        subject: "行政复议",
        title_has: "调解",
    },
    Judged {
        query: "市容环境卫生",
        subject: "城市管理",
        title_has: "市容",
    },
    Judged {
        query: "户外广告",
        subject: "城市管理",
        title_has: "户外广告",
    },
    Judged {
        query: "停车管理",
        subject: "城市管理",
        title_has: "停车",
    },
    Judged {
        query: "建筑垃圾",
        subject: "城市管理",
        title_has: "建筑垃圾",
    },
    Judged {
        query: "安全生产",
        subject: "安全生产",
        title_has: "",
    },
    Judged {
        query: "危险化学品",
        subject: "安全生产",
        title_has: "危险化学品",
    },
    Judged {
        query: "消防安全责任",
        subject: "安全生产",
        title_has: "消防",
    },
    Judged {
        query: "有限空间作业",
        subject: "安全生产",
        title_has: "有限空间",
    },
    Judged {
        query: "大气污染防治",
        subject: "生态环境",
        title_has: "大气",
    },
    Judged {
        query: "水污染",
        subject: "生态环境",
        title_has: "水污染",
    },
    Judged {
        query: "固体废物",
        subject: "生态环境",
        title_has: "固体废物",
    },
    Judged {
        query: "生态环境损害赔偿",
        subject: "生态环境",
        title_has: "损害赔偿",
    },
    Judged {
        query: "食品安全",
        subject: "市场监管",
        title_has: "食品安全",
    },
    Judged {
        query: "特种设备",
        subject: "市场监管",
        title_has: "特种设备",
    },
    Judged {
        query: "农贸市场",
        subject: "市场监管",
        title_has: "农贸市场",
    },
    Judged {
        query: "信用风险分类",
        subject: "市场监管",
        title_has: "信用风险",
    },
    Judged {
        query: "公共租赁住房",
        subject: "住房保障",
        title_has: "公共租赁住房",
    },
    Judged {
        query: "住房公积金",
        subject: "住房保障",
        title_has: "公积金",
    },
    Judged {
        query: "物业管理",
        subject: "住房保障",
        title_has: "物业",
    },
    Judged {
        query: "老旧小区改造",
        subject: "住房保障",
        title_has: "老旧小区",
    },
    Judged {
        query: "网约车",
        subject: "交通运输",
        title_has: "网络预约出租汽车",
    },
    Judged {
        query: "城市公共交通",
        subject: "交通运输",
        title_has: "公共交通",
    },
    Judged {
        query: "农村公路养护",
        subject: "交通运输",
        title_has: "农村公路",
    },
    Judged {
        query: "道路运输",
        subject: "交通运输",
        title_has: "道路运输",
    },
    Judged {
        query: "宅基地",
        subject: "农业农村",
        title_has: "宅基地",
    },
    Judged {
        query: "耕地保护",
        subject: "农业农村",
        title_has: "耕地",
    },
    Judged {
        query: "农村集体资产",
        subject: "农业农村",
        title_has: "集体资产",
    },
    Judged {
        query: "动物防疫",
        subject: "农业农村",
        title_has: "动物防疫",
    },
    Judged {
        query: "校外培训机构",
        subject: "教育",
        title_has: "校外培训",
    },
    Judged {
        query: "招生入学",
        subject: "教育",
        title_has: "招生",
    },
    Judged {
        query: "学生资助",
        subject: "教育",
        title_has: "学生资助",
    },
    Judged {
        query: "幼儿园收费",
        subject: "教育",
        title_has: "幼儿园",
    },
    Judged {
        query: "医疗机构",
        subject: "卫生健康",
        title_has: "医疗机构",
    },
    Judged {
        query: "传染病防治",
        subject: "卫生健康",
        title_has: "传染病",
    },
    Judged {
        query: "家庭医生",
        subject: "卫生健康",
        title_has: "家庭医生",
    },
    Judged {
        query: "文物保护",
        subject: "文化旅游",
        title_has: "文物",
    },
    Judged {
        query: "民宿",
        subject: "文化旅游",
        title_has: "民宿",
    },
    Judged {
        query: "旅游市场秩序",
        subject: "文化旅游",
        title_has: "旅游市场",
    },
    Judged {
        query: "欠薪",
        subject: "人力社保",
        title_has: "欠薪",
    },
    Judged {
        query: "灵活就业参保",
        subject: "人力社保",
        title_has: "灵活就业",
    },
    Judged {
        query: "职业技能培训补贴",
        subject: "人力社保",
        title_has: "职业技能",
    },
    Judged {
        query: "劳动争议调解",
        subject: "人力社保",
        title_has: "劳动人事争议",
    },
    Judged {
        query: "建设用地出让",
        subject: "自然资源",
        title_has: "建设用地",
    },
    Judged {
        query: "不动产登记",
        subject: "自然资源",
        title_has: "不动产登记",
    },
    Judged {
        query: "河道管理",
        subject: "水利",
        title_has: "河道",
    },
    Judged {
        query: "防汛防台",
        subject: "水利",
        title_has: "防汛",
    },
    Judged {
        query: "农村饮用水",
        subject: "水利",
        title_has: "饮用水",
    },
    Judged {
        query: "惠企政策兑现",
        subject: "涉企服务",
        title_has: "惠企政策",
    },
    Judged {
        query: "企业投资项目审批",
        subject: "涉企服务",
        title_has: "企业投资项目",
    },
    Judged {
        query: "中小企业",
        subject: "涉企服务",
        title_has: "中小企业",
    },
];

/// SQLite FTS5 with the trigram tokenizer over the same corpus: a phrase per query word of three
/// characters or more (the trigram index's minimum), LIKE for shorter words (a scan), ranked
/// by bm25 with the title weighing 3 like the library's.
struct Fts5 {
    conn: sqlx::SqliteConnection,
}

impl Fts5 {
    async fn build(path: &Path, docs: &[(Entry, usize)]) -> Result<Fts5, StartError> {
        let _ = std::fs::remove_file(path);
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let mut conn = sqlx::SqliteConnection::connect(&url)
            .await
            .map_err(fazhi_store::StoreError::from)?;
        let db = |e: sqlx::Error| StartError::Store(fazhi_store::StoreError::from(e));
        sqlx::query(
            "CREATE VIRTUAL TABLE docs USING fts5(number, title, body, tokenize = 'trigram')",
        )
        .execute(&mut conn)
        .await
        .map_err(db)?;
        let mut tx = conn.begin().await.map_err(db)?;
        for (e, _) in docs {
            sqlx::query("INSERT INTO docs (rowid, number, title, body) VALUES (?, ?, ?, ?)")
                .bind(e.id)
                .bind(&e.number)
                .bind(&e.title)
                .bind(&e.body)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        tx.commit().await.map_err(db)?;
        Ok(Fts5 { conn })
    }

    async fn search(&mut self, words: &str, limit: i64) -> Result<Vec<i64>, StartError> {
        let words: Vec<&str> = words.split_whitespace().collect();
        let phrases: Vec<String> = words
            .iter()
            .filter(|w| w.chars().count() >= 3)
            .map(|w| format!("\"{}\"", w.replace('"', "")))
            .collect();
        let short: Vec<&&str> = words.iter().filter(|w| w.chars().count() < 3).collect();
        // MATCH must be the FTS table's own constraint: with a LIKE beside it (which the trigram
        // index also serves) SQLite refuses it, so the phrases rank in a materialised table first.
        let mut sql = match (phrases.is_empty(), short.is_empty()) {
            (true, _) => String::from("SELECT rowid FROM docs WHERE 1 = 1"),
            (false, true) => String::from(
                "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs, 1.0, 3.0, 1.0)",
            ),
            (false, false) => String::from(
                "WITH m AS MATERIALIZED (SELECT rowid AS id, title, body, bm25(docs, 1.0, 3.0, 1.0) AS rank \
                 FROM docs WHERE docs MATCH ?) SELECT id FROM m WHERE 1 = 1",
            ),
        };
        for _ in &short {
            sql.push_str(" AND (title LIKE ? OR body LIKE ?)");
        }
        if !phrases.is_empty() && !short.is_empty() {
            sql.push_str(" ORDER BY rank");
        }
        sql.push_str(" LIMIT ?");
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        if !phrases.is_empty() {
            q = q.bind(phrases.join(" AND "));
        }
        for w in &short {
            let p = format!("%{w}%");
            q = q.bind(p.clone()).bind(p);
        }
        let rows = q
            .bind(limit)
            .fetch_all(&mut self.conn)
            .await
            .map_err(fazhi_store::StoreError::from)?;
        Ok(rows.iter().map(|r| r.get::<i64, _>(0)).collect())
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    (sorted[i.min(sorted.len() - 1)] * 1000.0).round() / 1000.0
}

fn latency(mut ms: Vec<f64>) -> serde_json::Value {
    ms.sort_by(f64::total_cmp);
    serde_json::json!({ "p50_ms": percentile(&ms, 0.5), "p95_ms": percentile(&ms, 0.95),
        "p99_ms": percentile(&ms, 0.99), "max_ms": percentile(&ms, 1.0) })
}

/// Precision@10 and nDCG@10 (binary gains) of one ranking against the judged set.
fn judge(ranked: &[i64], relevant: &std::collections::HashSet<i64>) -> (f64, f64) {
    let top = &ranked[..ranked.len().min(10)];
    let hits = top.iter().filter(|id| relevant.contains(id)).count();
    let dcg: f64 = top
        .iter()
        .enumerate()
        .filter(|(_, id)| relevant.contains(id))
        .map(|(i, _)| 1.0 / ((i + 2) as f64).log2())
        .sum();
    let ideal: f64 = (0..relevant.len().min(10))
        .map(|i| 1.0 / ((i + 2) as f64).log2())
        .sum();
    (
        hits as f64 / 10.0,
        if ideal > 0.0 { dcg / ideal } else { 0.0 },
    )
}

/// Builds both indexes over `count` generated documents in `dir`, times `queries` searches on
/// each (the same queries, alternating), and measures both against the judged queries.
pub async fn bench(
    count: u64,
    seed: u64,
    queries: usize,
    dir: PathBuf,
) -> Result<ExitCode, StartError> {
    std::fs::create_dir_all(&dir).map_err(io(&dir.display().to_string()))?;
    let progress = bar(Some(count), "generating");
    let docs: Vec<(Entry, usize)> = synthetic::generate(count, seed)
        .enumerate()
        .map(|(i, g)| {
            if i.is_multiple_of(4096) {
                progress.set_position(i as u64);
            }
            let year = g
                .line
                .issued_on
                .get(..4)
                .and_then(|y| y.parse().ok())
                .unwrap_or(0);
            (
                Entry {
                    id: i as i64 + 1,
                    number: g.line.number,
                    title: g.line.title,
                    issuer: g.line.issuer,
                    year,
                    status: g.line.status.unwrap_or_default(),
                    body: g.line.text,
                    public: true,
                },
                g.subject,
            )
        })
        .collect();
    progress.finish_and_clear();

    let tantivy_dir = dir.join("tantivy");
    let _ = std::fs::remove_dir_all(&tantivy_dir);
    let started = Instant::now();
    let lib = Library::open(&tantivy_dir).map_err(index)?;
    let indexing = bar(Some(count), "tantivy + jieba: indexing");
    for (i, chunk) in docs.chunks(10_000).enumerate() {
        let entries: Vec<Entry> = chunk.iter().map(|(e, _)| e.clone()).collect();
        lib.apply(&entries, i as i64 + 1, i == 0).map_err(index)?;
        indexing.set_position(((i + 1) * 10_000).min(docs.len()) as u64);
    }
    indexing.finish_and_clear();
    let tantivy_build = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let spinner = bar(None, "SQLite FTS5 (trigram): indexing");
    let mut fts = Fts5::build(&dir.join("fts5.db"), &docs).await?;
    spinner.finish_and_clear();
    let fts_build = started.elapsed().as_secs_f64();

    // The timed queries: the judged ones and pairs of them, drawn with the seed.
    let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(seed);
    let asked: Vec<String> = (0..queries)
        .map(|_| {
            let a = JUDGED
                .choose(&mut rng)
                .map(|j| j.query)
                .unwrap_or("行政复议");
            if rng.random_bool(0.3) {
                let b = JUDGED
                    .choose(&mut rng)
                    .map(|j| j.query)
                    .unwrap_or("安全生产");
                format!("{a} {b}")
            } else {
                a.to_string()
            }
        })
        .collect();
    let (mut t_ms, mut f_ms) = (Vec::new(), Vec::new());
    let timing = bar(Some(queries as u64), "querying both");
    for (i, q) in asked.iter().enumerate() {
        let started = Instant::now();
        lib.search(&Query {
            words: q.clone(),
            limit: 10,
            ..Query::default()
        })
        .map_err(index)?;
        t_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        let started = Instant::now();
        fts.search(q, 10).await?;
        f_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        timing.set_position(i as u64 + 1);
    }
    timing.finish_and_clear();

    let (mut t_rel, mut f_rel) = ((0.0, 0.0), (0.0, 0.0));
    let mut per_query = Vec::new();
    for j in JUDGED {
        let subject = synthetic::SUBJECTS
            .iter()
            .position(|s| s.name == j.subject)
            .ok_or_else(|| StartError::Input {
                what: "judged queries".into(),
                message: format!("no subject {}", j.subject),
            })?;
        let relevant: std::collections::HashSet<i64> = docs
            .iter()
            .filter(|(e, s)| *s == subject && e.title.contains(j.title_has))
            .map(|(e, _)| e.id)
            .collect();
        let t: Vec<i64> = lib
            .search(&Query {
                words: j.query.into(),
                limit: 10,
                ..Query::default()
            })
            .map_err(index)?
            .hits
            .iter()
            .map(|h| h.id)
            .collect();
        let f = fts.search(j.query, 10).await?;
        let (tp, tn) = judge(&t, &relevant);
        let (fp, fnd) = judge(&f, &relevant);
        t_rel = (t_rel.0 + tp, t_rel.1 + tn);
        f_rel = (f_rel.0 + fp, f_rel.1 + fnd);
        per_query.push(
            serde_json::json!({ "query": j.query, "relevant": relevant.len(),
            "tantivy_p10": tp, "fts5_p10": fp }),
        );
    }
    let n = JUDGED.len() as f64;
    let round = |x: f64| (x * 1000.0).round() / 1000.0;
    println!(
        "{}",
        serde_json::json!({
            "documents": docs.len(), "queries": queries, "judged_queries": JUDGED.len(),
            "tantivy_jieba": { "build_s": round(tantivy_build), "latency": latency(t_ms),
                "precision_at_10": round(t_rel.0 / n), "ndcg_at_10": round(t_rel.1 / n) },
            "sqlite_fts5_trigram": { "build_s": round(fts_build), "latency": latency(f_ms),
                "precision_at_10": round(f_rel.0 / n), "ndcg_at_10": round(f_rel.1 / n) },
            "per_query": per_query,
        })
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranking_measures_count_what_they_should() {
        let relevant: std::collections::HashSet<i64> = [1, 2, 3].into_iter().collect();
        assert_eq!(judge(&[1, 2, 3], &relevant), (0.3, 1.0));
        let (p, n) = judge(&[9, 1], &relevant);
        assert!((p - 0.1).abs() < 1e-9);
        assert!(n > 0.0 && n < 0.5);
        assert_eq!(judge(&[], &relevant), (0.0, 0.0));
    }
}
