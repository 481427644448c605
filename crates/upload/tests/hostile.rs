//! Hostile and ordinary workbooks through the one reader every import uses, with the peak of
//! memory allocated while reading measured by a counting allocator.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use fazhi_upload::{Limits, Refusal, read_first_sheet};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Tests run on several threads, and the counter is global: each test runs alone, so nothing
/// another test builds (a bomb to read) counts towards the peak of a reading.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged to the system allocator.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Reads `bytes` and returns the result with the bytes allocated at the peak above the start.
fn read_measured(
    bytes: &[u8],
    columns: usize,
    limits: &Limits,
) -> (Result<Vec<fazhi_upload::Row>, Refusal>, usize) {
    let start = LIVE.load(Ordering::Relaxed);
    PEAK.store(start, Ordering::Relaxed);
    let started = std::time::Instant::now();
    let result = read_first_sheet(bytes, columns, limits);
    let peak = PEAK.load(Ordering::Relaxed) - start;
    // Shown with --nocapture; BENCHMARKS.md keeps the numbers.
    eprintln!(
        "{} bytes → {:?}: peak {} KiB in {:?}",
        bytes.len(),
        result.as_ref().map(Vec::len).map_err(Refusal::code),
        peak / 1024,
        started.elapsed()
    );
    (result, peak)
}

const MB: usize = 1024 * 1024;

#[test]
fn a_sheet_declaring_a1_to_xfd1048576_is_refused_before_any_grid_is_built() {
    let _alone = alone();
    let (r, peak) = read_measured(include_bytes!("data/corners.xlsx"), 20, &Limits::default());
    let e = r.unwrap_err();
    assert_eq!(e.code(), "upload_dimension", "{e:?}");
    assert!(
        e.message_zh().contains("1048576 行 × 16384 列"),
        "{}",
        e.message_zh()
    );
    assert!(peak < 50 * MB, "peak {peak} bytes");
}

#[test]
fn the_far_corner_is_refused_by_the_stream_when_no_range_is_declared() {
    let _alone = alone();
    let (r, peak) = read_measured(
        include_bytes!("data/corners-undeclared.xlsx"),
        20,
        &Limits::default(),
    );
    assert_eq!(r.unwrap_err(), Refusal::RowBeyond { row: 1_048_576 });
    assert!(peak < 50 * MB, "peak {peak} bytes");
}

#[test]
fn a_zip_bomb_is_refused_without_inflating_it() {
    let _alone = alone();
    let bytes = include_bytes!("data/bomb.xlsx");
    assert!(bytes.len() < 2 * MB);
    let (r, peak) = read_measured(bytes, 20, &Limits::default());
    let e = r.unwrap_err();
    assert_eq!(e.code(), "upload_inflates_too_much", "{e:?}");
    assert!(
        e.message_zh().contains("xl/worksheets/sheet1.xml"),
        "{}",
        e.message_zh()
    );
    assert!(peak < 50 * MB, "peak {peak} bytes");
    // With the declared sizes allowed, the real inflation is still counted and stopped; the
    // ratio (1 GiB from 1 MB) is refused.
    let lax = Limits {
        sheet_bytes: 2 << 30,
        total_bytes: 4 << 30,
        ..Limits::default()
    };
    let (r, peak) = read_measured(bytes, 20, &lax);
    assert_eq!(r.unwrap_err().code(), "upload_compression_ratio");
    assert!(peak < 50 * MB, "peak {peak} bytes");
    // And with no ratio limit either, the actual size is what stops it, not the header.
    let laxer = Limits {
        sheet_bytes: 64 << 20,
        ratio: u64::MAX,
        ..lax
    };
    let (r, peak) = read_measured(bytes, 20, &laxer);
    assert_eq!(r.unwrap_err().code(), "upload_inflates_too_much");
    assert!(peak < 50 * MB, "peak {peak} bytes");
}

#[test]
fn a_bomb_whose_headers_lie_about_its_size_is_stopped_by_what_it_inflates() {
    let _alone = alone();
    // 100 MiB of zeros declared as 1,000 bytes, in a 100 KB file.
    let bytes = include_bytes!("data/bomb-lying.xlsx");
    let (r, peak) = read_measured(bytes, 20, &Limits::default());
    let e = r.unwrap_err();
    assert!(
        [
            "upload_compression_ratio",
            "upload_inflates_too_much",
            "upload_not_xlsx"
        ]
        .contains(&e.code()),
        "{e:?}"
    );
    assert!(peak < 50 * MB, "peak {peak} bytes");
    // With a sheet limit under its real size, the inflated bytes are what refuse it.
    let small = Limits {
        sheet_bytes: 10 << 20,
        ratio: u64::MAX,
        ..Limits::default()
    };
    let (r, peak) = read_measured(bytes, 20, &small);
    assert!(
        matches!(r, Err(Refusal::EntryTooLarge { .. } | Refusal::NotXlsx)),
        "{r:?}"
    );
    assert!(peak < 50 * MB, "peak {peak} bytes");
}

fn workbook(rows: &[(u32, Vec<(u16, &str)>)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (row, cells) in rows {
        for (col, text) in cells {
            sheet.write_string(*row, *col, *text).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn an_ordinary_sheet_reads_its_rows_with_excel_numbers_and_only_the_asked_columns() {
    let _alone = alone();
    let bytes = workbook(&[
        (0, vec![(0, "代码"), (1, "名称"), (2, "备注")]),
        (
            1,
            vec![(0, "330217001000"), (1, " 店口镇 "), (5, "模板以外的列")],
        ),
        // Row 3 is empty and skipped; row 4 has only a column beyond the asked ones.
        (3, vec![(7, "x")]),
        (4, vec![(1, "次坞镇")]),
    ]);
    let (r, peak) = read_measured(&bytes, 2, &Limits::default());
    let rows = r.unwrap();
    assert_eq!(
        rows,
        vec![
            (1, vec!["代码".to_string(), "名称".to_string()]),
            (2, vec!["330217001000".to_string(), "店口镇".to_string()]),
            (5, vec![String::new(), "次坞镇".to_string()]),
        ]
    );
    assert!(peak < 5 * MB, "peak {peak} bytes");
}

#[test]
fn rows_columns_cell_length_and_text_beyond_the_limits_are_refused_with_where() {
    let _alone = alone();
    let many: Vec<(u32, Vec<(u16, &str)>)> = (0..12).map(|r| (r, vec![(0, "甲")])).collect();
    let small = Limits {
        rows: 10,
        ..Limits::default()
    };
    assert_eq!(
        read_first_sheet(&workbook(&many), 3, &small)
            .unwrap_err()
            .code(),
        "upload_dimension"
    );
    let wide = workbook(&[(0, vec![(0, "a"), (40, "b")])]);
    let narrow = Limits {
        columns: 30,
        ..Limits::default()
    };
    assert_eq!(
        read_first_sheet(&wide, 3, &narrow).unwrap_err().code(),
        "upload_dimension"
    );
    let long = "长".repeat(101);
    let cell = workbook(&[(0, vec![(0, "a")]), (2, vec![(1, long.as_str())])]);
    let short = Limits {
        cell_chars: 100,
        ..Limits::default()
    };
    let e = read_first_sheet(&cell, 3, &short).unwrap_err();
    assert_eq!(
        e,
        Refusal::CellTooLong {
            row: 3,
            column: 2,
            limit: 100
        }
    );
    assert_eq!(
        e.message_zh(),
        "第 3 行第 2 列的内容超过 100 个字符，已拒绝。"
    );
    let budget = Limits {
        text_bytes: 200,
        ..Limits::default()
    };
    assert_eq!(
        read_first_sheet(&cell, 3, &budget).unwrap_err().code(),
        "upload_text_too_large"
    );
    // The cell budget: 5 asked columns × 3 rows allowed.
    let cells = Limits {
        cells: 15,
        ..Limits::default()
    };
    let e = read_first_sheet(&workbook(&many), 5, &cells).unwrap_err();
    assert_eq!(e, Refusal::RowBeyond { row: 5 });
}

#[test]
fn what_is_not_a_workbook_is_refused_in_chinese() {
    let _alone = alone();
    for bytes in [
        &b""[..],
        b"PK\x03\x04 not really",
        b"\xff\xd8\xff\xe0 a jpeg",
    ] {
        let e = read_first_sheet(bytes, 3, &Limits::default()).unwrap_err();
        assert_eq!(e, Refusal::NotXlsx);
        assert!(e.message_zh().contains(".xlsx"));
    }
    let big = vec![0u8; 11 * MB];
    assert_eq!(
        read_first_sheet(&big, 3, &Limits::default())
            .unwrap_err()
            .code(),
        "upload_too_large"
    );
}

/// A minimal workbook whose first sheet is `sheet` (stored, not compressed: the size and ratio
/// checks do not see it, the XML scan must).
fn stored_book(sheet: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts: [(&str, &[u8]); 5] = [
        ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#),
        ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    for (name, bytes) in parts {
        zip.start_file(name, stored).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn sheet_with(body: &str) -> Vec<u8> {
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>"#).into_bytes()
}

#[test]
fn one_huge_cell_tag_attribute_or_comment_is_refused_before_the_xml_reader_holds_it() {
    let _alone = alone();
    // Found from outside (issue 14 attack): a 250 MB cell, tag name, attribute or comment at a
    // ratio under 200 made the reader hold it whole (0.8 GB). Here 2 MB each, stored.
    let big = "甲乙".repeat(350_000);
    let cases = [
        (
            format!(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>{big}</t></is></c></row>"#),
            "单元格内容过长",
        ),
        (
            format!(r#"<row r="1"><c{} r="A1"/></row>"#, "x".repeat(2 << 20)),
            "过长",
        ),
        (
            format!(
                r#"<row r="1"><c r="A1" s="{}"/></row>"#,
                "1".repeat(2 << 20)
            ),
            "过长",
        ),
        (
            format!(r#"<!-- {} --><row r="1"/>"#, "a>b".repeat(700_000)),
            "过长",
        ),
        (
            r#"<row r="1"><c r="A99999999999999999999" t="inlineStr"><is><t>x</t></is></c></row>"#
                .to_string(),
            "超出 Excel 的范围",
        ),
        (
            r#"<row r="99999999999999999999999"><c t="inlineStr"><is><t>x</t></is></c></row>"#
                .to_string(),
            "超出 Excel 的范围",
        ),
    ];
    for (body, says) in cases {
        let bytes = stored_book(&sheet_with(&body));
        let (r, peak) = read_measured(&bytes, 20, &Limits::default());
        let e = r.unwrap_err();
        assert_eq!(e.code(), "upload_markup", "{says}: {e:?}");
        assert!(e.message_zh().contains(says), "{}", e.message_zh());
        assert!(peak < 12 * MB, "{says}: peak {peak} bytes");
    }
    let doctype =
        stored_book(b"<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><worksheet/>");
    assert!(
        read_first_sheet(&doctype, 3, &Limits::default())
            .unwrap_err()
            .message_zh()
            .contains("文档类型声明")
    );
    // An ordinary comment and CDATA are read past.
    let fine = stored_book(&sheet_with(
        r#"<!-- made by hand > --><row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[a>b]]></t></is></c></row>"#,
    ));
    assert_eq!(
        read_first_sheet(&fine, 1, &Limits::default()).unwrap(),
        vec![(1, vec!["a>b".to_string()])]
    );
}
