//! Reading files that people upload, within bounded memory and time.
//!
//! An .xlsx is a zip of XML. Two cheap files can cost a server everything: a sheet that names
//! only cells A1 and XFD1048576 (a reader that builds a dense grid allocates every cell in
//! between), and a zip bomb (1 GB of zeros packed into 1 MB). So before anything is expanded
//! the archive is looked into — entries, their declared and their *actual* sizes (counted while
//! inflating into nothing, so a lying header does not help), the compression ratio — and then
//! the first sheet is streamed cell by cell, keeping only the columns the caller reads, refusing
//! a declared or actual position beyond the limits and a total of kept text beyond its budget.
//!
//! Every refusal says in Chinese what was wrong and has a stable code for the API.

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx};

/// What an uploaded workbook may hold. `Limits::default()` is what every import of fazhi uses;
/// docs/SECURITY.md lists the numbers.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The uploaded file itself.
    pub file_bytes: usize,
    /// Entries in the archive (a workbook has a dozen or two).
    pub entries: usize,
    /// A worksheet's XML, inflated (streamed, never held whole).
    pub sheet_bytes: u64,
    /// Any other entry, inflated (shared strings and styles are held in memory by the reader).
    pub part_bytes: u64,
    /// All entries together, inflated.
    pub total_bytes: u64,
    /// Inflated ÷ compressed, for entries over 1 MiB.
    pub ratio: u64,
    /// Data rows (after the header row).
    pub rows: u32,
    /// Columns a sheet may declare or use.
    pub columns: u32,
    /// Characters in one cell (Excel's own limit is 32,767).
    pub cell_chars: usize,
    /// Kept cells (rows × the caller's columns).
    pub cells: usize,
    /// Bytes of text kept from all cells.
    pub text_bytes: usize,
    /// The longest run of XML text between two tags, and the longest tag: the XML reader holds
    /// each whole, so a single 250 MB cell, tag or attribute would be 250 MB in memory.
    pub xml_run: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: 10 * 1024 * 1024,
            entries: 1_000,
            sheet_bytes: 256 * 1024 * 1024,
            part_bytes: 16 * 1024 * 1024,
            total_bytes: 320 * 1024 * 1024,
            ratio: 200,
            rows: 100_000,
            columns: 1_000,
            cell_chars: 32_767,
            cells: 1_000_000,
            text_bytes: 24 * 1024 * 1024,
            xml_run: 512 * 1024,
        }
    }
}

const MIB: u64 = 1024 * 1024;

/// Why an upload was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("not an xlsx workbook")]
    NotXlsx,
    #[error("file of {bytes} bytes over the limit")]
    FileTooLarge { bytes: usize, limit: usize },
    #[error("{entries} archive entries over the limit")]
    TooManyEntries { entries: usize, limit: usize },
    #[error("entry {name} inflates beyond {limit} bytes")]
    EntryTooLarge { name: String, limit: u64 },
    #[error("entry {name} compressed more than {limit}:1")]
    Ratio { name: String, limit: u64 },
    #[error("archive inflates beyond {limit} bytes")]
    TotalTooLarge { limit: u64 },
    #[error("no worksheet")]
    NoSheet,
    #[error("unreadable worksheet: {0}")]
    Sheet(String),
    #[error("declared range of {rows} rows and {columns} columns over the limits")]
    Dimension { rows: u32, columns: u32 },
    #[error("cell at row {row} beyond the row limit")]
    RowBeyond { row: u32 },
    #[error("cell at column {column} beyond the column limit")]
    ColumnBeyond { row: u32, column: u32 },
    #[error("cell at row {row}, column {column} longer than {limit} characters")]
    CellTooLong { row: u32, column: u32, limit: usize },
    #[error("more than {limit} bytes of text in the kept cells")]
    TextTooLarge { limit: usize },
    #[error("entry {name}: {what}")]
    Markup { name: String, what: &'static str },
}

impl Refusal {
    /// Stable code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotXlsx => "upload_not_xlsx",
            Refusal::FileTooLarge { .. } => "upload_too_large",
            Refusal::TooManyEntries { .. } => "upload_too_many_entries",
            Refusal::EntryTooLarge { .. } | Refusal::TotalTooLarge { .. } => {
                "upload_inflates_too_much"
            }
            Refusal::Ratio { .. } => "upload_compression_ratio",
            Refusal::NoSheet => "upload_no_sheet",
            Refusal::Sheet(_) => "upload_unreadable_sheet",
            Refusal::Dimension { .. } => "upload_dimension",
            Refusal::RowBeyond { .. } => "upload_too_many_rows",
            Refusal::ColumnBeyond { .. } => "upload_too_many_columns",
            Refusal::CellTooLong { .. } => "upload_cell_too_long",
            Refusal::TextTooLarge { .. } => "upload_text_too_large",
            Refusal::Markup { .. } => "upload_markup",
        }
    }

    /// What the person who uploaded the file is told.
    pub fn message_zh(&self) -> String {
        match self {
            Refusal::NotXlsx => "无法读取该文件：请上传 .xlsx 格式的 Excel 文件。".into(),
            Refusal::FileTooLarge { limit, .. } => {
                format!("文件过大：最大 {} MB。", limit / (1024 * 1024))
            }
            Refusal::TooManyEntries { limit, .. } => {
                format!("文件结构异常：压缩包内超过 {limit} 个部件，不是正常的 Excel 文件。")
            }
            Refusal::EntryTooLarge { name, limit } => format!(
                "文件解压后过大（部件 {name} 超过 {} MB），已拒绝。请拆分后分批导入。",
                limit / MIB
            ),
            Refusal::TotalTooLarge { limit } => format!(
                "文件解压后过大（超过 {} MB），已拒绝。请拆分后分批导入。",
                limit / MIB
            ),
            Refusal::Ratio { name, limit } => {
                format!("文件压缩比异常（部件 {name} 超过 {limit} 倍），疑似压缩炸弹，已拒绝。")
            }
            Refusal::NoSheet => "文件中没有工作表。".into(),
            Refusal::Sheet(e) => format!("无法读取工作表：{e}"),
            Refusal::Dimension { rows, columns } => format!(
                "工作表声明的范围为 {rows} 行 × {columns} 列，超过导入上限，已拒绝。请删除多余的行列后再上传。"
            ),
            Refusal::RowBeyond { row } => {
                format!("第 {row} 行超出导入上限的行数，已拒绝。请拆分后分批导入。")
            }
            Refusal::ColumnBeyond { row, column } => {
                format!("第 {row} 行第 {column} 列超出导入上限的列数，已拒绝。")
            }
            Refusal::CellTooLong { row, column, limit } => {
                format!("第 {row} 行第 {column} 列的内容超过 {limit} 个字符，已拒绝。")
            }
            Refusal::TextTooLarge { limit } => format!(
                "表格文字总量超过 {} MB，已拒绝。请拆分后分批导入。",
                limit / (1024 * 1024)
            ),
            Refusal::Markup { name, what } => {
                format!("文件结构异常（部件 {name}：{what}），不是正常的 Excel 文件，已拒绝。")
            }
        }
    }
}

/// One row of the sheet: its Excel row number (1-based) and the texts of its first columns.
pub type Row = (usize, Vec<String>);

/// Reads the first sheet's first `columns` columns, every non-empty row with its Excel row
/// number, the header row included (it is row 1 when the sheet starts there).
pub fn read_first_sheet(
    bytes: &[u8],
    columns: usize,
    limits: &Limits,
) -> Result<Vec<Row>, Refusal> {
    inspect_archive(bytes, limits)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| Refusal::NotXlsx)?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or(Refusal::NoSheet)?;
    let mut cells = book
        .worksheet_cells_reader(&name)
        .map_err(|e| Refusal::Sheet(e.to_string()))?;

    let declared = cells.dimensions();
    let declared_rows = declared
        .end
        .0
        .saturating_sub(declared.start.0)
        .saturating_add(1);
    let declared_columns = declared
        .end
        .1
        .saturating_sub(declared.start.1)
        .saturating_add(1);
    // The header row is not a data row.
    if declared_rows > limits.rows.saturating_add(1) || declared_columns > limits.columns {
        return Err(Refusal::Dimension {
            rows: declared_rows,
            columns: declared_columns,
        });
    }

    let row_limit = limits
        .rows
        .min(u32::try_from(limits.cells / columns.max(1)).unwrap_or(u32::MAX));
    let mut rows: Vec<Row> = Vec::new();
    let mut text = 0usize;
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| Refusal::Sheet(e.to_string()))?
    {
        let (r, c) = cell.get_position();
        // Positions are 0-based; people count from 1.
        let (row, column) = (r.saturating_add(1), c.saturating_add(1));
        if r > row_limit {
            return Err(Refusal::RowBeyond { row });
        }
        if c >= limits.columns {
            return Err(Refusal::ColumnBeyond { row, column });
        }
        let value = cell_text(cell.get_value());
        if value.chars().count() > limits.cell_chars {
            return Err(Refusal::CellTooLong {
                row,
                column,
                limit: limits.cell_chars,
            });
        }
        let col = c as usize;
        if col >= columns || value.is_empty() {
            continue;
        }
        text += value.len();
        if text > limits.text_bytes {
            return Err(Refusal::TextTooLarge {
                limit: limits.text_bytes,
            });
        }
        let excel_row = row as usize;
        match rows.last_mut() {
            Some((n, kept)) if *n == excel_row => kept[col] = value,
            _ => {
                // Cells come in row order in every writer; a sheet that goes back is refused
                // rather than sorted (sorting would hold it all).
                if rows.last().is_some_and(|(n, _)| *n > excel_row) {
                    return Err(Refusal::Sheet(format!("第 {row} 行出现在后面的行之后")));
                }
                let mut kept = vec![String::new(); columns];
                kept[col] = value;
                rows.push((excel_row, kept));
            }
        }
    }
    Ok(rows)
}

/// Looks at every entry before any is expanded for use: count, declared sizes, ratio, and the
/// sizes they really inflate to (counted into nothing, stopping at the limit).
fn inspect_archive(bytes: &[u8], limits: &Limits) -> Result<(), Refusal> {
    if bytes.len() > limits.file_bytes {
        return Err(Refusal::FileTooLarge {
            bytes: bytes.len(),
            limit: limits.file_bytes,
        });
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| Refusal::NotXlsx)?;
    if zip.len() > limits.entries {
        return Err(Refusal::TooManyEntries {
            entries: zip.len(),
            limit: limits.entries,
        });
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| Refusal::NotXlsx)?;
        let name = entry.name().map_err(|_| Refusal::NotXlsx)?.to_string();
        let limit = if name.starts_with("xl/worksheets/") {
            limits.sheet_bytes
        } else {
            limits.part_bytes
        };
        let compressed = entry.compressed_size().max(1);
        let too_large = || Refusal::EntryTooLarge {
            name: name.clone(),
            limit,
        };
        let over_ratio = |size: u64| size > MIB && size / compressed > limits.ratio;
        if entry.size() > limit {
            return Err(too_large());
        }
        if over_ratio(entry.size()) {
            return Err(Refusal::Ratio {
                name,
                limit: limits.ratio,
            });
        }
        // XML parts are looked into as they inflate; pictures and other binary parts are only
        // counted.
        let xml = name.ends_with(".xml") || name.ends_with(".rels");
        let mut scan = Scan::new(if xml { limits.xml_run } else { u64::MAX });
        let actual = if xml {
            std::io::copy(&mut (&mut entry).take(limit + 1), &mut scan)
        } else {
            std::io::copy(&mut (&mut entry).take(limit + 1), &mut std::io::sink())
        }
        .map_err(|_| Refusal::NotXlsx)?;
        if let Some(what) = scan.problem {
            return Err(Refusal::Markup { name, what });
        }
        if actual > limit {
            return Err(too_large());
        }
        if over_ratio(actual) {
            return Err(Refusal::Ratio {
                name,
                limit: limits.ratio,
            });
        }
        total += actual;
        if total > limits.total_bytes {
            return Err(Refusal::TotalTooLarge {
                limit: limits.total_bytes,
            });
        }
    }
    Ok(())
}

/// Looks at XML as it is inflated, keeping nothing: the longest tag and the longest text — where
/// text runs on across comments, CDATA sections and processing instructions, as the XML reader
/// joins them into one value — a document type declaration (never in a workbook), and cell and
/// range references beyond Excel's last cell (they overflow the reader's arithmetic).
struct Scan {
    limit: u64,
    /// Bytes of the current tag, and of the text since the last element tag.
    tag_run: u64,
    text_run: u64,
    in_tag: bool,
    /// In a comment (`-`), CDATA (`]`) or processing instruction (`?`): `>` ends it only after
    /// `--`, `]]` or `?`.
    special: Option<u8>,
    /// The last two bytes, to see those endings.
    last: [u8; 2],
    /// The current attribute name, and whether whitespace has ended it (`r ="…"` still names
    /// `r`).
    name: Vec<u8>,
    name_done: bool,
    in_value: Option<u8>,
    watched: bool,
    /// In a watched value: the current run of letters and of digits.
    letters: usize,
    digits: usize,
    problem: Option<&'static str>,
}

/// Excel's last cell is XFD1048576: a reference with more than 3 column letters or 7 row digits
/// is not Excel's, and would overflow the reader's 32-bit arithmetic.
const COLUMN_LETTERS: usize = 3;
const ROW_DIGITS: usize = 7;

impl Scan {
    fn new(limit: u64) -> Scan {
        Scan {
            limit,
            tag_run: 0,
            text_run: 0,
            in_tag: false,
            special: None,
            last: [0; 2],
            name: Vec::new(),
            name_done: false,
            in_value: None,
            watched: false,
            letters: 0,
            digits: 0,
            problem: None,
        }
    }

    fn byte(&mut self, b: u8) {
        let before = self.last;
        self.last = [before[1], b];
        if !self.in_tag {
            self.text_run += 1;
            if self.text_run > self.limit {
                self.problem = Some("单元格内容过长");
                return;
            }
            if b == b'<' {
                self.in_tag = true;
                self.tag_run = 0;
                self.special = None;
                self.name.clear();
                self.name_done = false;
                self.in_value = None;
            }
            return;
        }
        self.tag_run += 1;
        if self.tag_run > self.limit {
            self.problem = Some("标签过长");
            return;
        }
        // The tag's first bytes: `<!--` a comment, `<![` CDATA, `<?` an instruction, any other
        // `<!` a declaration.
        if self.tag_run == 1 && b == b'?' {
            self.special = Some(b'?');
        }
        if self.tag_run == 2 && before[1] == b'!' {
            match b {
                b'-' => self.special = Some(b'-'),
                b'[' => self.special = Some(b']'),
                _ => self.problem = Some("含有文档类型声明"),
            }
        }
        if let Some(closing) = self.special {
            // Text the reader will join across this goes on counting.
            self.text_run += 1;
            if self.text_run > self.limit {
                self.problem = Some("单元格内容过长");
                return;
            }
            let ended = match closing {
                b'?' => before[1] == b'?',
                c => self.tag_run > 3 && before == [c, c],
            };
            if b == b'>' && ended {
                self.in_tag = false;
            }
            return;
        }
        if let Some(quote) = self.in_value {
            if b == quote {
                self.in_value = None;
            } else if self.watched {
                if b.is_ascii_alphabetic() {
                    self.letters += 1;
                    self.digits = 0;
                } else if b.is_ascii_digit() {
                    self.digits += 1;
                    self.letters = 0;
                } else {
                    (self.letters, self.digits) = (0, 0);
                }
                if self.letters > COLUMN_LETTERS || self.digits > ROW_DIGITS {
                    self.problem = Some("单元格引用超出 Excel 的范围");
                }
            }
            return;
        }
        match b {
            b'>' => {
                // An element tag: the text before it is a value of its own.
                self.in_tag = false;
                self.text_run = 0;
            }
            b'"' | b'\'' => {
                self.in_value = Some(b);
                self.watched = self.name == b"r" || self.name == b"ref";
                (self.letters, self.digits) = (0, 0);
                self.name.clear();
                self.name_done = false;
            }
            b'=' => self.name_done = true,
            b' ' | b'\t' | b'\r' | b'\n' | b'/' => self.name_done = true,
            _ => {
                if self.name_done {
                    self.name.clear();
                    self.name_done = false;
                }
                if self.name.len() < 8 {
                    self.name.push(b);
                }
            }
        }
    }
}

impl std::io::Write for Scan {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.problem.is_none() {
            for &b in buf {
                self.byte(b);
                if self.problem.is_some() {
                    break;
                }
            }
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn cell_text(d: &DataRef<'_>) -> String {
    match d {
        DataRef::SharedString(s) => s.trim().to_string(),
        DataRef::String(s) => s.trim().to_string(),
        DataRef::Empty => String::new(),
        DataRef::Float(f) => float_text(*f),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => date_text(dt.as_f64()).unwrap_or_else(|| dt.to_string()),
        DataRef::DateTimeIso(s) => s.get(..10).unwrap_or(s).to_string(),
        DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

/// Codes typed as numbers come back as floats: 330217001000, not 330217001000.0.
fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// Excel's 1900 date system counts days from 1899-12-30.
fn date_text(days: f64) -> Option<String> {
    if !(0.0..=2_958_465.0).contains(&days) {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
        .and_then(|base| base.checked_add_days(chrono::Days::new(days as u64)))
        .map(|d| d.to_string())
}
