//! Hard limits on what one document may cost to read, checked before the
//! work they bound: a Word or Excel file's parts by their declared sizes
//! (and the ratio of unpacked to packed, which gives a zip bomb away) before
//! anything is unpacked; rows, cell lengths and XML nesting as they are
//! read; and a time budget between stages and inside the long loops.
//!
//! Every refusal names the limit, the value met and the limit's value, so
//! the user can tell what to split or which setting to raise.

use crate::ImportError;
use std::time::{Duration, Instant};

/// What one document may cost. The defaults fit a council's largest real
/// plans and returns with room to spare; the CLI and server can change them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The file itself.
    pub file_bytes: usize,
    /// One part of a Word or Excel file, unpacked (a sheet, the document).
    pub part_bytes: u64,
    /// All the parts of a Word or Excel file together, unpacked.
    pub unpacked_bytes: u64,
    /// Parts in a Word or Excel file.
    pub parts: usize,
    /// Unpacked size over packed size of a part bigger than a megabyte:
    /// ordinary XML packs 5–20 times; a bomb, thousands.
    pub pack_ratio: u64,
    /// Table rows and lines, all sheets together.
    pub rows: usize,
    /// Cells of all the sheets of a workbook together, the empty ones
    /// between a sheet's first and last column and row included: a sheet
    /// is read as a rectangle, which two cells far apart make huge.
    pub sheet_cells: u64,
    /// Characters in one cell or line.
    pub cell_chars: usize,
    /// Elements nested inside each other in a Word document.
    pub xml_depth: usize,
    /// Wall-clock time to read one document.
    pub time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: 200 * 1024 * 1024,
            // A sheet's XML costs some three times its size to hold once
            // read: 64 MB bounds one upload near 200 MB of memory.
            part_bytes: 64 * 1024 * 1024,
            unpacked_bytes: 256 * 1024 * 1024,
            parts: 10_000,
            pack_ratio: 200,
            rows: 2_000_000,
            // A 64 MB sheet holds two or three million cells; ten million
            // places cost some 240 MB held as empty cells.
            sheet_cells: 10_000_000,
            cell_chars: 1_000_000,
            xml_depth: 256,
            time: Duration::from_secs(120),
        }
    }
}

/// The clock a read runs against.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    started: Instant,
    limit: Duration,
}

impl Budget {
    pub fn start(limits: &Limits) -> Budget {
        Budget {
            started: Instant::now(),
            limit: limits.time,
        }
    }

    pub fn spent(&self) -> bool {
        self.started.elapsed() > self.limit
    }

    /// An error when the budget is spent, naming where the read had got to.
    pub fn check(&self, file: &str, stage: &'static str) -> Result<(), ImportError> {
        if self.spent() {
            return Err(ImportError::Limit {
                file: file.to_string(),
                limit: "time",
                found: format!("still {stage} after {} s", self.started.elapsed().as_secs()),
                max: format!("{} s", self.limit.as_secs()),
            });
        }
        Ok(())
    }
}

/// Checks a Word or Excel file's parts by what its directory declares,
/// before any part is unpacked.
pub fn check_container(file: &str, bytes: &[u8], limits: &Limits) -> Result<(), ImportError> {
    let refuse = |limit: &'static str, found: String, max: String| ImportError::Limit {
        file: file.to_string(),
        limit,
        found,
        max,
    };
    let Ok(mut archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        // Not a readable zip: the format's own reader says so, better.
        return Ok(());
    };
    if archive.len() > limits.parts {
        return Err(refuse(
            "parts",
            format!("{} parts", archive.len()),
            format!("{} parts", limits.parts),
        ));
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index_raw(i) else {
            continue;
        };
        let name = entry
            .name()
            .map_or_else(|_| format!("#{i}"), |n| n.to_string());
        let (size, packed) = (entry.size(), entry.compressed_size());
        if size > limits.part_bytes {
            return Err(refuse(
                "part size",
                format!("part {name} unpacks to {} MB", size / (1024 * 1024)),
                format!("{} MB", limits.part_bytes / (1024 * 1024)),
            ));
        }
        if size > 1024 * 1024 && size / packed.max(1) > limits.pack_ratio {
            return Err(refuse(
                "pack ratio",
                format!(
                    "part {name} unpacks {} times over ({} KB to {} MB), as a zip bomb does",
                    size / packed.max(1),
                    packed / 1024,
                    size / (1024 * 1024)
                ),
                format!("{} times", limits.pack_ratio),
            ));
        }
        total = total.saturating_add(size);
    }
    if total > limits.unpacked_bytes {
        return Err(refuse(
            "unpacked size",
            format!("the parts unpack to {} MB together", total / (1024 * 1024)),
            format!("{} MB", limits.unpacked_bytes / (1024 * 1024)),
        ));
    }
    Ok(())
}

/// Rows and cell lengths of what was read, before it is recognised.
pub fn check_blocks(
    file: &str,
    blocks: &[crate::blocks::Block<'_>],
    limits: &Limits,
) -> Result<(), ImportError> {
    use crate::blocks::Block;
    if blocks.len() > limits.rows {
        return Err(ImportError::Limit {
            file: file.to_string(),
            limit: "rows",
            found: format!("{} rows and lines", blocks.len()),
            max: format!("{} rows", limits.rows),
        });
    }
    for block in blocks {
        let (longest, place) = match block {
            Block::Text { text, place } => (text.len(), place),
            Block::Row { cells, place } => {
                (cells.iter().map(|c| c.len()).max().unwrap_or(0), place)
            }
            Block::Blank => continue,
        };
        // Bytes bound characters from above: only long cells are counted.
        if longest > limits.cell_chars {
            let longest_chars = match block {
                Block::Text { text, .. } => text.chars().count(),
                Block::Row { cells, .. } => {
                    cells.iter().map(|c| c.chars().count()).max().unwrap_or(0)
                }
                Block::Blank => 0,
            };
            if longest_chars > limits.cell_chars {
                return Err(ImportError::Limit {
                    file: file.to_string(),
                    limit: "cell length",
                    found: format!(
                        "a cell of {longest_chars} characters at {}",
                        place.provenance()
                    ),
                    max: format!("{} characters", limits.cell_chars),
                });
            }
        }
    }
    Ok(())
}
