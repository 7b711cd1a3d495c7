//! Which format a file is: from its bytes first (a zip holding
//! word/document.xml or xl/workbook.xml, JSON with a "goldthread" key),
//! then its extension (CSV), else text.

use goldthread_domain::SourceFormat;

pub fn format(file_name: &str, bytes: &[u8]) -> SourceFormat {
    let lower = file_name.to_ascii_lowercase();
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        // Entry names sit in plain bytes in the local headers and central
        // directory, so a byte search finds them without unzipping.
        if contains(bytes, b"word/document.xml") {
            return SourceFormat::Docx;
        }
        if contains(bytes, b"xl/workbook.xml") {
            return SourceFormat::Xlsx;
        }
        if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") {
            return SourceFormat::Xlsx;
        }
        return SourceFormat::Docx;
    }
    let head = &bytes[..bytes.len().min(4096)];
    let trimmed = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first = trimmed.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'{') && contains(head, b"\"goldthread\"") {
        return SourceFormat::Json;
    }
    if lower.ends_with(".json") {
        return SourceFormat::Json;
    }
    if lower.ends_with(".csv") || lower.ends_with(".tsv") {
        return SourceFormat::Csv;
    }
    if lower.ends_with(".docx") {
        return SourceFormat::Docx;
    }
    if lower.ends_with(".xlsx") {
        return SourceFormat::Xlsx;
    }
    SourceFormat::Text
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_bytes_then_names() {
        assert_eq!(
            format("x.bin", b"PK\x03\x04....word/document.xml"),
            SourceFormat::Docx
        );
        assert_eq!(
            format("x.zip", b"PK\x03\x04....xl/workbook.xml"),
            SourceFormat::Xlsx
        );
        assert_eq!(
            format("x.txt", b"  {\"goldthread\": 1}"),
            SourceFormat::Json
        );
        assert_eq!(format("plan.CSV", b"a,b"), SourceFormat::Csv);
        assert_eq!(format("plan.txt", b"a\tb"), SourceFormat::Text);
    }
}
