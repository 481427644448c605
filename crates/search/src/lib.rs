//! The full-text library of normative documents: a tantivy index with jieba word segmentation
//! (分词), kept beside the database and rebuilt from it. It owns no data: every entry comes
//! from the register, and the index remembers the register's revision it has seen (in the
//! commit's payload), so a process that starts, or sees the register move on, brings it up to
//! date from the database (`fazhi_core::normative::library`).
//!
//! Invariant: this crate knows tantivy and jieba, nothing of the database or the domain's
//! rules; the register decides what an entry says.

use std::path::Path;
use std::sync::Mutex;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, Query as TantivyQuery, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, doc};

/// The tokenizer's name in the index's registry.
const JIEBA: &str = "jieba";
/// Memory the writer may buffer before it writes a segment.
const WRITER_HEAP: usize = 64 * 1024 * 1024;
/// Characters of a hit's snippet.
const SNIPPET_CHARS: usize = 120;
/// A title word weighs this much more than a word of the text.
const TITLE_BOOST: f32 = 3.0;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("全文索引出错：{0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("全文索引目录无法打开：{0}")]
    Directory(String),
    #[error("全文索引的写入器正被占用")]
    Busy,
}

pub type Result<T> = std::result::Result<T, SearchError>;

/// One document as the register hands it to the index.
#[derive(Clone, Debug)]
pub struct Entry {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub issuer: String,
    pub year: i64,
    /// The register's status code (`in_force`, `repealed`, …).
    pub status: String,
    /// The text of the version in force (or the last one).
    pub body: String,
    /// Published: only then is it in the library (an unpublished one is removed from it).
    pub public: bool,
}

/// What a reader asks: words, and optional filters.
#[derive(Clone, Debug, Default)]
pub struct Query {
    pub words: String,
    /// A document number in its official form: only that document.
    pub number: Option<String>,
    pub issuer: Option<String>,
    pub year: Option<i64>,
    pub status: Option<String>,
    pub limit: usize,
    pub offset: usize,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Hit {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub issuer: String,
    pub year: i64,
    pub status: String,
    pub score: f32,
    /// Plain text around the words found.
    pub snippet: String,
    /// The same with the words found in `<b>`, the rest HTML-escaped.
    #[serde(skip)]
    pub snippet_html: String,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Hits {
    pub hits: Vec<Hit>,
    pub total: usize,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    number: Field,
    number_key: Field,
    title: Field,
    issuer: Field,
    year: Field,
    status: Field,
    body: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(JIEBA)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        id: b.add_i64_field("id", INDEXED | STORED | FAST),
        number: b.add_text_field("number", text.clone()),
        number_key: b.add_text_field("number_key", STRING),
        title: b.add_text_field("title", text.clone()),
        issuer: b.add_text_field("issuer", STRING | STORED),
        year: b.add_i64_field("year", INDEXED | STORED),
        status: b.add_text_field("status", STRING | STORED),
        body: b.add_text_field("body", text),
    };
    (b.build(), fields)
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::from(tantivy_jieba::JiebaTokenizer::new())
}

/// The index of the normative-document library.
pub struct Library {
    index: Index,
    reader: IndexReader,
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
}

impl Library {
    /// Opens the index in `dir`, creating it (empty, revision 0) if there is none, or if what is
    /// there was written with another schema — it is only a copy of the register.
    pub fn open(dir: &Path) -> Result<Library> {
        std::fs::create_dir_all(dir).map_err(|e| SearchError::Directory(e.to_string()))?;
        let (schema, fields) = schema();
        let index = match Index::open_in_dir(dir) {
            Ok(index) if index.schema() == schema => index,
            _ => {
                // Nothing, or an older layout: start again; `sync` refills it.
                for entry in std::fs::read_dir(dir)
                    .map_err(|e| SearchError::Directory(e.to_string()))?
                    .flatten()
                {
                    let path = entry.path();
                    let removed = if path.is_dir() {
                        std::fs::remove_dir_all(&path)
                    } else {
                        std::fs::remove_file(&path)
                    };
                    removed.map_err(|e| SearchError::Directory(e.to_string()))?;
                }
                Index::create_in_dir(dir, schema)?
            }
        };
        Self::with_index(index, fields)
    }

    /// An index held in memory (tests, benchmarks).
    pub fn in_memory() -> Result<Library> {
        let (schema, fields) = schema();
        Self::with_index(Index::create_in_ram(schema), fields)
    }

    fn with_index(index: Index, fields: Fields) -> Result<Library> {
        index.tokenizers().register(JIEBA, analyzer());
        // Load jieba's dictionary now, not on the first reader's search.
        Self::words("预热");
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Library {
            index,
            reader,
            writer: Mutex::new(None),
            fields,
        })
    }

    /// The register's revision the index holds (0 when empty).
    pub fn revision(&self) -> Result<i64> {
        let metas = self.index.load_metas()?;
        Ok(metas
            .payload
            .as_deref()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0))
    }

    /// Replaces these entries (by id) and records that the index now holds the register up to
    /// `revision`. With `clear`, everything else goes first (a rebuild).
    pub fn apply(&self, entries: &[Entry], revision: i64, clear: bool) -> Result<()> {
        let mut guard = self.writer.lock().map_err(|_| SearchError::Busy)?;
        if guard.is_none() {
            *guard = Some(self.index.writer_with_num_threads(1, WRITER_HEAP)?);
        }
        let Some(writer) = guard.as_mut() else {
            return Err(SearchError::Busy);
        };
        if clear {
            writer.delete_all_documents()?;
        }
        let f = self.fields;
        for e in entries {
            if !clear {
                writer.delete_term(Term::from_field_i64(f.id, e.id));
            }
            if !e.public {
                continue;
            }
            writer.add_document(doc!(
                f.id => e.id,
                f.number => e.number.as_str(),
                f.number_key => e.number.as_str(),
                f.title => e.title.as_str(),
                f.issuer => e.issuer.as_str(),
                f.year => e.year,
                f.status => e.status.as_str(),
                f.body => e.body.as_str(),
            ))?;
        }
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&revision.to_string());
        commit.commit()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Documents in the index.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The words of `text` as the index cuts them (each once, in order).
    pub fn words(text: &str) -> Vec<String> {
        let mut analyzer = analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut words: Vec<String> = Vec::new();
        while let Some(token) = stream.next() {
            let w = token.text.trim();
            if w.chars().any(char::is_alphanumeric) && !words.iter().any(|x| x == w) {
                words.push(w.to_string());
            }
        }
        words
    }

    /// The best documents for the query, by BM25, with the title weighing more than the text.
    /// Every word must be found (in the number, title or text): documents with only some of
    /// them are not offered (a common word would bring the whole library). Without words or
    /// filters, every document.
    pub fn search(&self, q: &Query) -> Result<Hits> {
        let words = Self::words(&q.words);
        self.run(q, &words, Occur::Must)
    }

    fn run(&self, q: &Query, words: &[String], each: Occur) -> Result<Hits> {
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        let mut text: Vec<(Occur, Box<dyn TantivyQuery>)> = Vec::new();
        for w in words {
            let per_field: Vec<(Occur, Box<dyn TantivyQuery>)> = vec![
                (Occur::Should, term(f.number, w, 1.0)),
                (Occur::Should, term(f.title, w, TITLE_BOOST)),
                (Occur::Should, term(f.body, w, 1.0)),
            ];
            text.push((each, Box::new(BooleanQuery::new(per_field))));
        }
        match &q.number {
            Some(n) => clauses.push((Occur::Must, exact(Term::from_field_text(f.number_key, n)))),
            None if !text.is_empty() => {
                clauses.push((Occur::Must, Box::new(BooleanQuery::new(text))))
            }
            None => {}
        }
        if let Some(issuer) = q.issuer.as_deref().filter(|s| !s.is_empty()) {
            clauses.push((Occur::Must, exact(Term::from_field_text(f.issuer, issuer))));
        }
        if let Some(status) = q.status.as_deref().filter(|s| !s.is_empty()) {
            clauses.push((Occur::Must, exact(Term::from_field_text(f.status, status))));
        }
        if let Some(year) = q.year {
            clauses.push((Occur::Must, exact(Term::from_field_i64(f.year, year))));
        }
        if clauses.is_empty() {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        let query = BooleanQuery::new(clauses);
        let searcher = self.reader.searcher();
        let limit = q.limit.clamp(1, 100);
        let (top, total) = searcher.search(
            &query,
            &(
                TopDocs::with_limit(limit)
                    .and_offset(q.offset)
                    .order_by_score(),
                Count,
            ),
        )?;
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let d: TantivyDocument = searcher.doc(address)?;
            let text = |field: Field| {
                d.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let number = |field: Field| d.get_first(field).and_then(|v| v.as_i64()).unwrap_or(0);
            let (snippet, snippet_html) = snippet(&text(f.body), words);
            hits.push(Hit {
                id: number(f.id),
                number: text(f.number),
                title: text(f.title),
                issuer: text(f.issuer),
                year: number(f.year),
                status: text(f.status),
                score,
                snippet,
                snippet_html,
            });
        }
        Ok(Hits { hits, total })
    }
}

fn term(field: Field, word: &str, boost: f32) -> Box<dyn TantivyQuery> {
    let q = TermQuery::new(
        Term::from_field_text(field, word),
        IndexRecordOption::WithFreqs,
    );
    if (boost - 1.0).abs() < f32::EPSILON {
        Box::new(q)
    } else {
        Box::new(BoostQuery::new(Box::new(q), boost))
    }
}

fn exact(t: Term) -> Box<dyn TantivyQuery> {
    Box::new(TermQuery::new(t, IndexRecordOption::Basic))
}

/// The passage around the first word found (the longest words first), and the same with every
/// word found in it marked. tantivy's own snippets assume tokens in order, which jieba's search
/// mode (a word, then the words inside it) does not keep.
fn snippet(body: &str, words: &[String]) -> (String, String) {
    let chars: Vec<char> = body.chars().collect();
    let mut by_length: Vec<Vec<char>> = words.iter().map(|w| w.chars().collect()).collect();
    by_length.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let find = |from: usize, w: &[char]| {
        (from..chars.len().saturating_sub(w.len().saturating_sub(1)))
            .find(|&i| !w.is_empty() && chars[i..].starts_with(w))
    };
    let first = by_length
        .iter()
        .filter_map(|w| find(0, w))
        .min()
        .unwrap_or(0);
    let start = first.saturating_sub(SNIPPET_CHARS / 4);
    let end = (start + SNIPPET_CHARS).min(chars.len());
    let window = &chars[start..end];
    let (mut plain, mut html) = (String::new(), String::new());
    let mut i = 0;
    while i < window.len() {
        let hit = by_length
            .iter()
            .find(|w| !w.is_empty() && window[i..].starts_with(w));
        match hit {
            Some(w) => {
                let t: String = w.iter().collect();
                plain.push_str(&t);
                html.push_str("<b>");
                html.push_str(&escape(&t));
                html.push_str("</b>");
                i += w.len();
            }
            None => {
                plain.push(window[i]);
                html.push_str(&escape(&window[i].to_string()));
                i += 1;
            }
        }
    }
    (plain, html)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: i64, title: &str, body: &str, status: &str) -> Entry {
        Entry {
            id,
            number: format!("诸政发〔2023〕{id}号"),
            title: title.into(),
            issuer: "诸暨市人民政府".into(),
            year: 2023,
            status: status.into(),
            body: body.into(),
            public: true,
        }
    }

    fn q(words: &str) -> Query {
        Query {
            words: words.into(),
            limit: 10,
            ..Query::default()
        }
    }

    #[test]
    fn chinese_words_find_the_documents_that_hold_them_title_first() {
        let lib = Library::in_memory().unwrap();
        lib.apply(
            &[
                entry(
                    1,
                    "诸暨市行政复议工作规定",
                    "为规范行政复议工作，根据《中华人民共和国行政复议法》制定本规定。",
                    "in_force",
                ),
                entry(
                    2,
                    "诸暨市城市管理办法",
                    "第十条 行政复议申请人可以委托代理人。其他条款规定市容环境卫生。",
                    "in_force",
                ),
                entry(
                    3,
                    "诸暨市安全生产管理办法",
                    "第一条 为加强安全生产监督管理，制定本办法。",
                    "repealed",
                ),
            ],
            7,
            false,
        )
        .unwrap();
        assert_eq!(lib.revision().unwrap(), 7);
        let hits = lib.search(&q("行政复议")).unwrap();
        assert_eq!(hits.total, 2);
        assert_eq!(hits.hits[0].id, 1, "the title's words weigh more");
        assert!(
            hits.hits[0].snippet_html.contains("<b>"),
            "{}",
            hits.hits[0].snippet_html
        );
        // A filter narrows without words, and a status filter keeps repealed ones out.
        let mut only = q("管理办法");
        only.status = Some("in_force".into());
        let hits = lib.search(&only).unwrap();
        assert_eq!(hits.hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![2]);
        // No document holds every word: none is offered; no words at all lists every one.
        assert_eq!(lib.search(&q("安全生产 复议")).unwrap().total, 0);
        assert_eq!(lib.search(&q("")).unwrap().total, 3);
        let mut by_number = q("诸政发〔2023〕2号");
        by_number.number = Some("诸政发〔2023〕2号".into());
        assert_eq!(
            lib.search(&by_number)
                .unwrap()
                .hits
                .iter()
                .map(|h| h.id)
                .collect::<Vec<_>>(),
            vec![2]
        );
    }

    #[test]
    fn a_snippet_marks_the_words_around_the_first_found_even_where_words_overlap() {
        let body = format!(
            "{}依照《中华人民共和国行政复议法》第三十条，<审查>申请。",
            "前言。".repeat(40)
        );
        let words = Library::words("中华人民共和国行政复议法 审查");
        let (plain, html) = snippet(&body, &words);
        assert!(plain.contains("中华人民共和国行政复议法"), "{plain}");
        assert!(plain.chars().count() <= SNIPPET_CHARS);
        assert!(
            html.contains("<b>中华人民共和国</b>")
                || html.contains("<b>中华人民共和国行政复议法</b>"),
            "{html}"
        );
        assert!(html.contains("&lt;<b>审查</b>&gt;"), "{html}");
        let (start, _) = snippet("没有查询词的文本", &[]);
        assert_eq!(start, "没有查询词的文本");
    }

    #[test]
    fn an_entry_applied_again_replaces_itself_and_the_revision_survives_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let lib = Library::open(dir.path()).unwrap();
            assert_eq!(lib.revision().unwrap(), 0);
            lib.apply(&[entry(1, "旧标题", "征收费用", "in_force")], 1, false)
                .unwrap();
            lib.apply(&[entry(1, "新标题", "许可事项", "in_force")], 2, false)
                .unwrap();
            assert_eq!(lib.len(), 1);
        }
        let lib = Library::open(dir.path()).unwrap();
        assert_eq!(lib.revision().unwrap(), 2);
        assert_eq!(lib.search(&q("许可")).unwrap().total, 1);
        assert_eq!(lib.search(&q("征收")).unwrap().total, 0);
        lib.apply(&[], 3, true).unwrap();
        assert!(lib.is_empty());
    }
}
