//! Action codes by the council's pattern: `KA.#` gives KA.1, KA.2, …;
//! `15-CEC##` gives 15-CEC01, 15-CEC02, … (the run of `#` is the number,
//! padded to its length). Renumbering a plan gives each action, in plan
//! order, the code its place gives.

/// A code pattern: the text around one run of `#`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodePattern {
    prefix: String,
    width: usize,
    suffix: String,
}

/// The longest pattern a template keeps, as the longest action code.
pub const CODE_PATTERN_LIMIT: usize = 30;

impl CodePattern {
    /// Reads a pattern, or says in a sentence what is wrong with it.
    pub fn parse(text: &str) -> Result<CodePattern, String> {
        let text = text.trim();
        if text.chars().count() > CODE_PATTERN_LIMIT {
            return Err(format!(
                "The code pattern must be {CODE_PATTERN_LIMIT} characters or fewer"
            ));
        }
        let Some(start) = text.find('#') else {
            return Err(
                "The code pattern needs # where the number goes, for example KA.# or 15-CEC##"
                    .to_string(),
            );
        };
        let width = text[start..].chars().take_while(|&c| c == '#').count();
        let (prefix, suffix) = (&text[..start], &text[start + width..]);
        if suffix.contains('#') {
            return Err(
                "The code pattern may have one run of # only, for example KA.# or 15-CEC##"
                    .to_string(),
            );
        }
        Ok(CodePattern {
            prefix: prefix.to_string(),
            width,
            suffix: suffix.to_string(),
        })
    }

    /// The code of the `n`th action (from 1).
    pub fn code(&self, n: usize) -> String {
        format!(
            "{}{n:0width$}{}",
            self.prefix,
            self.suffix,
            width = self.width
        )
    }

    /// The codes a plan's actions get, in plan order.
    pub fn codes(&self, count: usize) -> impl Iterator<Item = String> + '_ {
        (1..=count).map(|n| self.code(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_run_of_hashes_is_the_number_padded_to_its_length() {
        let cases = [
            ("KA.#", 1, "KA.1"),
            ("KA.#", 12, "KA.12"),
            ("15-CEC##", 3, "15-CEC03"),
            ("15-CEC##", 123, "15-CEC123"),
            ("#", 7, "7"),
            ("HH#.1", 2, "HH2.1"),
        ];
        for (pattern, n, code) in cases {
            assert_eq!(
                CodePattern::parse(pattern).unwrap().code(n),
                code,
                "{pattern} {n}"
            );
        }
        let codes: Vec<String> = CodePattern::parse(" CA## ").unwrap().codes(2).collect();
        assert_eq!(codes, ["CA01", "CA02"]);
    }

    #[test]
    fn a_pattern_without_one_run_of_hashes_is_refused_in_a_sentence() {
        assert!(CodePattern::parse("KA.").unwrap_err().contains("needs #"));
        assert!(CodePattern::parse("#.#").unwrap_err().contains("one run"));
        assert!(
            CodePattern::parse(&"K".repeat(31))
                .unwrap_err()
                .contains("30")
        );
    }
}
