//! Putting arbitrary text into Typst markup so that it reads as text.

/// Escapes `text` for use as Typst *markup content*: at the top level of a
/// document, inside `[…]` (a table cell, say) or after `= ` in a heading.
/// The text comes out as written.
///
/// - Every ASCII punctuation character gets a backslash (`\#`, `\*`, `\_`,
///   `\$`, `\@`, `\<`, `\[`, `\\`, `` \` ``, `\=`, `\-`, `\/`, `\"`, …). In
///   markup a backslash before any character that is not whitespace makes it
///   literal, so nothing can start code, math, emphasis, a label, a
///   reference, a comment, a heading, a list, a link or a shorthand (`--`,
///   `...`, `~`), and quotes stay straight rather than becoming smart.
/// - A line break stays a line break, and a blank line (two or more breaks)
///   starts a new paragraph; `\r\n`, `\r` and the Unicode line and
///   paragraph separators count as breaks.
/// - Other control characters are dropped (they have no glyph).
///
/// Runs of spaces collapse to one, as in any Typst text.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_newline(c) {
            // The whole run of white space that holds this break: one break
            // is a line break, more are a paragraph break.
            let mut breaks = 1;
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            while let Some(&next) = chars.peek() {
                if next == '\r' {
                    chars.next();
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    breaks += 1;
                } else if is_newline(next) {
                    chars.next();
                    breaks += 1;
                } else if next.is_whitespace() {
                    chars.next();
                } else {
                    break;
                }
            }
            out.push_str(if breaks > 1 { "\n\n" } else { "\\\n" });
        } else if c.is_ascii_punctuation() {
            out.push('\\');
            out.push(c);
        } else if c.is_control() && c != '\t' {
            // Dropped: NUL, escape, bell and the like.
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` as a Typst string literal, quotes included, for use in code:
/// `#link(string_literal(url))`, `#image(string_literal(name))`,
/// `#set document(title: string_literal(title))`.
pub fn string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The characters Typst's lexer treats as a line break.
fn is_newline(c: char) -> bool {
    matches!(
        c,
        '\n' | '\x0B' | '\x0C' | '\r' | '\u{0085}' | '\u{2028}' | '\u{2029}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_is_escaped_and_letters_are_not() {
        assert_eq!(escape("a#b"), "a\\#b");
        assert_eq!(escape("*x* _y_"), "\\*x\\* \\_y\\_");
        assert_eq!(escape("£5 café"), "£5 café");
        assert_eq!(escape("\\u{41}"), "\\\\u\\{41\\}");
    }

    #[test]
    fn breaks_become_line_and_paragraph_breaks() {
        assert_eq!(escape("a\nb"), "a\\\nb");
        assert_eq!(escape("a\r\nb"), "a\\\nb");
        assert_eq!(escape("a\n\nb"), "a\n\nb");
        assert_eq!(escape("a\r\n  \r\nb"), "a\n\nb");
        assert_eq!(escape("a\u{2029}b"), "a\\\nb");
    }

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(escape("a\u{0}b\u{1b}c\td"), "abc\td");
    }

    #[test]
    fn string_literal_escapes_quotes_backslashes_and_controls() {
        assert_eq!(string_literal(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(string_literal("x\ny\u{7}"), "\"x\\ny\\u{7}\"");
    }
}
