//! The workbook's sheets and columns: written by `write`, checked and read
//! by `read`, so the two cannot disagree.

/// The first cell of the hidden sheet says what the workbook is.
pub const MARKER: &str = "Goldthread progress workbook";
/// Bumped when the columns change: an older workbook is refused, not misread.
pub const FORMAT: i64 = 1;

pub const ACTIONS: &str = "Actions";
pub const INDICATORS: &str = "Indicators";
pub const ABOUT: &str = "Read me";
pub const META: &str = "Goldthread";

/// The Actions sheet's headings, in order; the first two are hidden.
pub const ACTION_HEADINGS: [&str; 13] = [
    "Key",
    "Stamp",
    "Code",
    "Action",
    "Lead officer",
    "Due",
    "Revised due",
    "Current status",
    "Latest commentary",
    "Commentary date",
    "New status",
    "Commentary",
    "As at",
];
pub mod action_col {
    pub const KEY: u16 = 0;
    pub const STAMP: u16 = 1;
    pub const CODE: u16 = 2;
    pub const TITLE: u16 = 3;
    pub const NEW_STATUS: u16 = 10;
    pub const COMMENTARY: u16 = 11;
    pub const AS_AT: u16 = 12;
}

/// The Indicators sheet's headings, in order; the first two are hidden.
pub const INDICATOR_HEADINGS: [&str; 10] = [
    "Key",
    "Stamp",
    "Code",
    "Indicator",
    "Unit",
    "Period",
    "Target",
    "Current value",
    "New value",
    "Note",
];
pub mod indicator_col {
    pub const KEY: u16 = 0;
    pub const STAMP: u16 = 1;
    pub const CODE: u16 = 2;
    pub const TITLE: u16 = 3;
    pub const PERIOD: u16 = 5;
    pub const NEW_VALUE: u16 = 8;
    pub const NOTE: u16 = 9;
}

/// The hidden sheet's rows: a label in column A, its value in B.
pub const META_FORMAT: &str = "Format";
pub const META_PLAN_ID: &str = "Plan id";
pub const META_PLAN: &str = "Plan";
pub const META_EXPORTED_AT: &str = "Exported at";
pub const META_EXPORTED_BY: &str = "Exported by";

/// A cell's name as Excel shows it: column 0, row 0 is A1.
pub fn cell_name(col: u16, row: u32) -> String {
    let mut letters = Vec::new();
    let mut n = u32::from(col) + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(row + 1).to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_are_named_as_excel_names_them() {
        assert_eq!(super::cell_name(0, 0), "A1");
        assert_eq!(super::cell_name(10, 11), "K12");
        assert_eq!(super::cell_name(25, 1), "Z2");
        assert_eq!(super::cell_name(26, 1), "AA2");
    }
}
