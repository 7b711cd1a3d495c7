//! Renders real documents and reads them back with `pdftotext`
//! (poppler-utils). Where `pdftotext` is missing, the checks that need it
//! say they were skipped; the byte-level checks still run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed unwrap is a failed test

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

use goldthread_pdf::{Document, PdfError, escape, render_pdf, string_literal};

/// Council commentary full of characters that mean something in Typst.
const AWKWARD: &str = "Cost #1: £2,500 *not* _final_ $5 @ref <label> [draft] \\ `raw` ~ -- ... 'a' \"b\" // not a comment /* nor this */ https://example.org 50% x^2 a=b {c} (d) | e & f";

/// An SVG bar chart of the kind the reports crate will draw.
const CHART: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">
  <rect x="10" y="40" width="40" height="60" fill="#1d70b8"/>
  <rect x="80" y="10" width="40" height="90" fill="#00703c"/>
  <rect x="150" y="70" width="40" height="30" fill="#d4351c"/>
</svg>"##;

/// A document with headings, the awkward text (as a paragraph, with a line
/// and a paragraph break, in a heading and in a table cell), a chart and a
/// table of `rows` rows whose header repeats on every page.
fn report(rows: usize) -> String {
    let mut markup = String::from(
        "#set document(title: \"Quarter 2 performance\")\n\
         #set page(paper: \"a4\", numbering: \"1\")\n\
         #set text(font: \"Libertinus Serif\", size: 11pt)\n\n\
         = Quarter 2 performance report\n\n\
         == Commentary\n\n",
    );
    markup.push_str(&escape(AWKWARD));
    markup.push_str("\n\n");
    markup.push_str(&escape("First line\nsecond line\n\nNew paragraph"));
    markup.push_str("\n\n== ");
    markup.push_str(&escape("Heading with # and *stars*"));
    markup.push_str(
        "\n\n#figure(image(\"chart1.svg\", width: 50%), caption: [Spend by service])\n\n",
    );
    markup.push_str("== Indicators\n\n");
    markup.push_str(
        "#table(\n  columns: (auto, 1fr, auto),\n  table.header([*Code*], [*Indicator*], [*Value*]),\n",
    );
    for i in 1..=rows {
        markup.push_str(&format!(
            "  [PI-{i:04}], [Indicator number {i}], [{}],\n",
            i * 7
        ));
    }
    markup.push_str(&format!("  [PI-AWK], [{}], [0],\n)\n", escape(AWKWARD)));
    markup
}

fn chart_files() -> [(&'static str, &'static [u8]); 1] {
    [("chart1.svg", CHART.as_bytes())]
}

/// The PDF's text, page by page, or `None` (having said so) where
/// `pdftotext` is not installed.
fn pdf_text(pdf: &[u8], test: &str) -> Option<Vec<String>> {
    let child = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            eprintln!(
                "SKIPPED the text checks of {test}: pdftotext is not installed (apt-get install poppler-utils)"
            );
            return None;
        }
        Err(err) => panic!("pdftotext did not start: {err}"),
    };
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    Some(pages)
}

/// Whether page `page` (1-based), drawn by `pdftoppm`, has a pixel of
/// colour `rgb`; `None` (having said so) where `pdftoppm` is not installed.
fn page_has_colour(pdf: &[u8], page: usize, rgb: [u8; 3], test: &str) -> Option<bool> {
    let page = page.to_string();
    let child = Command::new("pdftoppm")
        .args(["-r", "40", "-f", &page, "-l", &page, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            eprintln!(
                "SKIPPED the image check of {test}: pdftoppm is not installed (apt-get install poppler-utils)"
            );
            return None;
        }
        Err(err) => panic!("pdftoppm did not start: {err}"),
    };
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // A binary PPM: "P6", width, height, maximum value, one white-space
    // byte, then RGB triples.
    let ppm = output.stdout;
    assert!(ppm.starts_with(b"P6"), "pdftoppm did not write a PPM");
    let mut fields = 0;
    let mut at = 2;
    while fields < 3 {
        while ppm[at].is_ascii_whitespace() {
            at += 1;
        }
        while !ppm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields += 1;
    }
    let pixels = &ppm[at + 1..];
    Some(
        pixels
            .chunks_exact(3)
            .any(|p| p.iter().zip(rgb).all(|(a, b)| a.abs_diff(b) <= 4)),
    )
}

/// Text with its white space collapsed, since `pdftotext` lays words out
/// with as many spaces as fit the columns.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_report_comes_out_with_its_text_literal_and_its_table_header_on_every_page() {
    let markup = report(120);
    let files = chart_files();
    let pdf = render_pdf(&Document {
        markup: &markup,
        files: &files,
    })
    .unwrap();
    assert!(
        pdf.starts_with(b"%PDF-"),
        "not a PDF: {:?}",
        &pdf[..16.min(pdf.len())]
    );

    let Some(pages) = pdf_text(&pdf, "a_report_comes_out_…") else {
        return;
    };
    assert!(
        pages.len() >= 3,
        "expected a table over several pages, got {} pages",
        pages.len()
    );
    let all = words(&pages.join("\n"));

    assert!(all.contains("Quarter 2 performance report"), "{all}");
    // The awkward text, character for character, in the paragraph and in
    // the last table row (where the cell wraps, so compare without the
    // line breaks pdftotext puts in).
    assert!(
        all.contains(AWKWARD),
        "the special characters did not come out literally:\n{all}"
    );
    assert_eq!(
        all.matches("Cost #1: £2,500 *not* _final_ $5").count(),
        2,
        "{all}"
    );
    assert!(all.contains("Heading with # and *stars*"), "{all}");
    // A line break and a paragraph break, kept.
    let text = pages.join("\n");
    let first = text.lines().position(|l| l.contains("First line")).unwrap();
    assert!(!text.lines().nth(first).unwrap().contains("second line"));
    assert!(text.lines().nth(first + 1).unwrap().contains("second line"));
    assert!(
        all.contains("First line second line New paragraph"),
        "{all}"
    );

    // Every row, in order.
    let mut from = 0;
    for i in 1..=120 {
        let row = format!("PI-{i:04} Indicator number {i} {}", i * 7);
        let at = all[from..]
            .find(&row)
            .unwrap_or_else(|| panic!("row {i} missing or out of order"));
        from += at + row.len();
    }
    // The header on every page the table spans.
    let table_pages: Vec<&String> = pages.iter().filter(|p| p.contains("PI-0")).collect();
    assert!(
        table_pages.len() >= 3,
        "the table spans {} pages",
        table_pages.len()
    );
    for (n, page) in table_pages.iter().enumerate() {
        assert!(
            words(page).contains("Code Indicator Value"),
            "no header on table page {}",
            n + 1
        );
    }
    // The chart: its caption, and its bars drawn in their colours on the
    // page the caption is on.
    assert!(all.contains("Spend by service"), "{all}");
    let chart_page = 1 + pages
        .iter()
        .position(|p| p.contains("Spend by service"))
        .unwrap();
    for colour in [[0x1d, 0x70, 0xb8], [0x00, 0x70, 0x3c], [0xd4, 0x35, 0x1c]] {
        if let Some(found) = page_has_colour(&pdf, chart_page, colour, "a_report_comes_out_…") {
            assert!(found, "no pixel of colour {colour:?} on page {chart_page}");
        }
    }
    // Control: a colour the page does not use is not found.
    if let Some(found) =
        page_has_colour(&pdf, chart_page, [0xff, 0x00, 0xff], "a_report_comes_out_…")
    {
        assert!(!found);
    }
}

#[test]
fn the_same_document_gives_the_same_bytes() {
    let markup = report(40);
    let files = chart_files();
    let doc = Document {
        markup: &markup,
        files: &files,
    };
    let first = render_pdf(&doc).unwrap();
    let second = render_pdf(&doc).unwrap();
    assert!(first == second, "two renders of one document differ");
    // And a different document differs, so the comparison can fail.
    let other = report(41);
    let third = render_pdf(&Document {
        markup: &other,
        files: &files,
    })
    .unwrap();
    assert!(first != third);
}

#[test]
fn renders_on_many_threads_at_once_agree() {
    let markup = report(30);
    let files = chart_files();
    let doc = Document {
        markup: &markup,
        files: &files,
    };
    let expected = render_pdf(&doc).unwrap();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let doc = &doc;
                scope.spawn(move || {
                    // Each thread also renders a document of its own, to
                    // mix different sources in the shared caches.
                    let own = format!("= Thread {t}\n\n{}", escape("Own #text"));
                    let pdf = render_pdf(&Document {
                        markup: &own,
                        files: &[],
                    })
                    .unwrap();
                    assert!(pdf.starts_with(b"%PDF-"));
                    render_pdf(doc).unwrap()
                })
            })
            .collect();
        for handle in handles {
            assert!(handle.join().unwrap() == expected, "a thread's PDF differs");
        }
    });
}

#[test]
fn a_markup_error_names_its_line_and_column() {
    let markup = "= Title\n\nSome text.\n\nThe value is #undefined_thing here.\n";
    let err = render_pdf(&Document { markup, files: &[] }).unwrap_err();
    let PdfError::Compile(diagnostics) = &err else {
        panic!("expected a compile error, got {err:?}");
    };
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let d = &diagnostics[0];
    assert_eq!(d.message, "unknown variable: undefined_thing");
    assert_eq!(
        (d.file.as_deref(), d.line, d.column),
        (None, Some(5), Some(15))
    );
    assert_eq!(
        err.to_string(),
        "the document has 1 error: line 5, column 15: unknown variable: undefined_thing"
    );
}

#[test]
fn an_unclosed_delimiter_is_a_syntax_error_with_its_line() {
    let markup = "= Title\n\n#table(\n  columns: 2,\n  [a], [b]\n";
    let err = render_pdf(&Document { markup, files: &[] }).unwrap_err();
    let PdfError::Compile(diagnostics) = &err else {
        panic!("expected a compile error, got {err:?}");
    };
    assert!(
        diagnostics.iter().any(|d| d.line == Some(3)),
        "{diagnostics:?}"
    );
    assert!(err.to_string().contains("line 3"), "{err}");
}

#[test]
fn a_missing_or_broken_file_is_an_error_naming_it() {
    let markup = "#image(\"chart2.svg\")";
    let err = render_pdf(&Document {
        markup,
        files: &chart_files(),
    })
    .unwrap_err();
    assert!(err.to_string().contains("chart2.svg"), "{err}");
    assert!(err.to_string().contains("line 1"), "{err}");

    let broken: [(&str, &[u8]); 1] = [(
        "chart1.svg",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"><rect",
    )];
    let markup = "#image(\"chart1.svg\")";
    let err = render_pdf(&Document {
        markup,
        files: &broken,
    })
    .unwrap_err();
    let PdfError::Compile(diagnostics) = &err else {
        panic!("expected a compile error, got {err:?}");
    };
    assert_eq!(diagnostics[0].file.as_deref(), Some("chart1.svg"), "{err}");
    assert!(
        diagnostics[0].message.contains("failed to parse SVG"),
        "{err}"
    );
}

#[test]
fn files_in_folders_and_included_typst_files_are_read() {
    let files: [(&str, &[u8]); 2] = [
        ("charts/q2.svg", CHART.as_bytes()),
        (
            "parts/summary.typ",
            "== Summary\n\n#image(\"../charts/q2.svg\", width: 2cm)\n".as_bytes(),
        ),
    ];
    let markup = "= Pack\n\n#include \"parts/summary.typ\"\n";
    let pdf = render_pdf(&Document {
        markup,
        files: &files,
    })
    .unwrap();
    if let Some(pages) = pdf_text(&pdf, "files_in_folders_…") {
        assert!(words(&pages.join(" ")).contains("Pack Summary"));
    }
}

#[test]
fn nothing_outside_the_document_is_reachable() {
    // No file system …
    let markup = "#read(\"/etc/passwd\")";
    let err = render_pdf(&Document { markup, files: &[] }).unwrap_err();
    assert!(err.to_string().contains("file not found"), "{err}");
    let markup = "#read(\"../../../etc/passwd\")";
    assert!(render_pdf(&Document { markup, files: &[] }).is_err());
    // … no packages …
    let markup = "#import \"@preview/cetz:0.3.0\": canvas";
    let err = render_pdf(&Document { markup, files: &[] }).unwrap_err();
    assert!(
        err.to_string().contains("packages are not available"),
        "{err}"
    );
    // … and no clock.
    let markup = "#datetime.today().display()";
    assert!(render_pdf(&Document { markup, files: &[] }).is_err());
    // A date the caller gives is fine, and becomes the PDF's date.
    let markup = "#set document(date: datetime(year: 2026, month: 6, day: 30))\nDated.";
    let pdf = render_pdf(&Document { markup, files: &[] }).unwrap();
    let pdf_text = String::from_utf8_lossy(&pdf);
    assert!(
        pdf_text.contains("2026-06-30") || pdf_text.contains("D:20260630"),
        "no date written"
    );
}

#[test]
fn a_bad_file_name_is_refused() {
    let files: [(&str, &[u8]); 1] = [("main.typ", b"= other")];
    let err = render_pdf(&Document {
        markup: "x",
        files: &files,
    })
    .unwrap_err();
    assert!(matches!(err, PdfError::FileName { .. }), "{err:?}");
    // Two names for one file: the second would silently win.
    let files: [(&str, &[u8]); 2] = [("chart1.svg", b"<svg/>"), ("./chart1.svg", b"<svg/>")];
    let err = render_pdf(&Document {
        markup: "x",
        files: &files,
    })
    .unwrap_err();
    assert!(err.to_string().contains("given twice"), "{err}");
    let files: [(&str, &[u8]); 1] = [("..\\x.svg", b"")];
    assert!(matches!(
        render_pdf(&Document {
            markup: "x",
            files: &files
        }),
        Err(PdfError::FileName { .. })
    ));
}

#[test]
fn string_literals_round_trip_through_the_compiler() {
    let awkward = "He said \"hi\" \\ then\nleft";
    let markup = format!(
        "#let s = {}\n#if s.len() == {} [OK] else [WRONG]",
        string_literal(awkward),
        awkward.len()
    );
    let pdf = render_pdf(&Document {
        markup: &markup,
        files: &[],
    })
    .unwrap();
    if let Some(pages) = pdf_text(&pdf, "string_literals_…") {
        assert_eq!(words(&pages.join(" ")), "OK");
    }
}

/// `cargo test -p goldthread-pdf --test render -- --ignored --nocapture bench`
/// (add `--release` for release speed).
///
/// Typst memoises layout across renders in the process, so this times a
/// first tiny render (the standard library and fonts being set up), then
/// 50-page tables whose every row differs from the last run's (no cell
/// can come from the cache: the cost of a new quarter's pack), then the
/// same document again (the cost of re-rendering an unchanged pack).
#[test]
#[ignore = "a timing, not a check: run by hand"]
fn bench_fifty_page_table() {
    const ROWS: usize = 1_900;
    let start = Instant::now();
    render_pdf(&Document {
        markup: "Warm-up.",
        files: &[],
    })
    .unwrap();
    eprintln!(
        "first tiny render (library and fonts set up): {:?}",
        start.elapsed()
    );

    let files = chart_files();
    let mut last = Vec::new();
    for run in 0..3 {
        let markup =
            report(ROWS).replace("Indicator number", &format!("Indicator (run {run}) number"));
        let start = Instant::now();
        last = render_pdf(&Document {
            markup: &markup,
            files: &files,
        })
        .unwrap();
        eprintln!("new {ROWS}-row document: {:?}", start.elapsed());
    }
    let markup = report(ROWS).replace("Indicator number", "Indicator (run 2) number");
    let start = Instant::now();
    let again = render_pdf(&Document {
        markup: &markup,
        files: &files,
    })
    .unwrap();
    eprintln!("the same document again: {:?}", start.elapsed());
    assert!(again == last);
    let pages = pdf_text(&again, "bench_fifty_page_table").map_or(0, |p| p.len());
    eprintln!("{ROWS} rows: {} bytes, {pages} pages", again.len());
}

#[test]
fn escaped_lines_that_look_like_markup_stay_text_wherever_they_go() {
    // Each line, unescaped, would be a heading, a list, an enumeration, a
    // term, a comment, a label or a code expression.
    let lines = [
        "= not a heading",
        "- not a list",
        "+ not an enum",
        "1. not numbered",
        "/ not: a term",
        "// not a comment",
        "<not-a-label>",
        "#not code",
    ];
    let text = lines.join("\n");
    let escaped = escape(&text);
    let markup = format!(
        "{escaped}\n\n- {escaped}\n\n#table(columns: 1, [{escaped}])\n\n#strong[{escaped}]\n"
    );
    let pdf = render_pdf(&Document {
        markup: &markup,
        files: &[],
    })
    .unwrap();
    let Some(pages) = pdf_text(&pdf, "escaped_lines_…") else {
        return;
    };
    let all = pages.join("\n");
    for line in lines {
        let found = all.lines().filter(|l| l.trim().ends_with(line)).count();
        assert_eq!(
            found, 4,
            "{line:?} is not a line of its own in all four places:\n{all}"
        );
    }
}
