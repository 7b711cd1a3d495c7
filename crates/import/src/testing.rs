//! Documents built from text, for tests across the workspace: the Word
//! rendering of a text plan that the format tests and the re-import tests
//! both read. Not part of the importer's interface.

use std::io::Write;

fn paragraph(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{escaped}</w:t></w:r></w:p>")
}

/// A minimal Word file: tab-separated runs of lines become one table each,
/// other lines paragraphs. A cell written `{span=2}Text` is merged across
/// two columns (`w:gridSpan`), one written `{merged}` into the cell above
/// (`w:vMerge`).
pub fn docx_of(text: &str) -> Result<Vec<u8>, zip::result::ZipError> {
    let mut body = String::new();
    let mut in_table = false;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.contains('\t') {
            if !in_table {
                body.push_str("<w:tbl>");
                in_table = true;
            }
            body.push_str("<w:tr>");
            for cell in line.split('\t') {
                // "{span=2}Lead officer": a cell merged across two columns.
                // "{merged}": the cell goes on the one above (`w:vMerge`).
                let (span, cell) = match cell
                    .strip_prefix("{span=")
                    .and_then(|rest| rest.split_once('}'))
                {
                    Some((n, rest)) => (
                        format!("<w:tcPr><w:gridSpan w:val=\"{n}\"/></w:tcPr>"),
                        rest,
                    ),
                    None if cell == "{merged}" => ("<w:tcPr><w:vMerge/></w:tcPr>".to_string(), ""),
                    None => (String::new(), cell),
                };
                body.push_str(&format!("<w:tc>{span}{}</w:tc>", paragraph(cell)));
            }
            body.push_str("</w:tr>");
        } else {
            if in_table {
                body.push_str("</w:tbl>");
                in_table = false;
            }
            body.push_str(&paragraph(line));
        }
    }
    if in_table {
        body.push_str("</w:tbl>");
    }
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", options)?;
    zip.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>")?;
    zip.start_file("word/document.xml", options)?;
    zip.write_all(xml.as_bytes())?;
    Ok(zip.finish()?.into_inner())
}

pub mod fuzz;
