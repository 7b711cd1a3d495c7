//! The compiler's view of one render: the main markup, the caller's files,
//! the standard library and the bundled fonts. Nothing else exists.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, PackageError};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::{Document, PdfError};

/// The standard library, built once per process.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// The fonts bundled with Typst, parsed once per process. `Font` is a
/// reference-counted handle, so every render shares the same font data.
static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

pub(crate) struct MemoryWorld {
    main: Source,
    files: HashMap<VirtualPath, Bytes>,
}

impl MemoryWorld {
    pub(crate) fn new(doc: &Document) -> Result<Self, PdfError> {
        // Interned once; later renders get the same id back (they differ in
        // the source text, not the id).
        let main_path = VirtualPath::new("main.typ")
            .map_err(|err| PdfError::Internal(format!("main.typ: {err}")))?;
        let main_id = FileId::new(RootedPath::new(VirtualRoot::Project, main_path.clone()));
        let main = Source::new(main_id, doc.markup.to_owned());
        let mut files = HashMap::with_capacity(doc.files.len());
        for (name, bytes) in doc.files {
            let path = VirtualPath::new(name).map_err(|err| PdfError::FileName {
                name: (*name).to_owned(),
                reason: err.to_string(),
            })?;
            if path == main_path {
                return Err(PdfError::FileName {
                    name: (*name).to_owned(),
                    reason: "it is the main markup's own name".to_owned(),
                });
            }
            if files.insert(path, Bytes::new(bytes.to_vec())).is_some() {
                return Err(PdfError::FileName {
                    name: (*name).to_owned(),
                    reason: "it is given twice".to_owned(),
                });
            }
        }
        Ok(Self { main, files })
    }

    fn lookup(&self, id: FileId) -> FileResult<&Bytes> {
        if let VirtualRoot::Package(spec) = id.root() {
            return Err(FileError::Package(PackageError::Other(Some(
                format!("packages are not available here ({spec})").into(),
            ))));
        }
        self.files
            .get(id.vpath())
            .ok_or_else(|| FileError::NotFound(PathBuf::from(id.vpath().get_without_slash())))
    }
}

impl World for MemoryWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            return Ok(self.main.clone());
        }
        let text = std::str::from_utf8(self.lookup(id)?.as_slice())?;
        Ok(Source::new(id, text.to_owned()))
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.lookup(id).cloned()
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    /// No clock: `datetime.today()` is an error, so that the output is the
    /// same whenever it is rendered. A document that shows a date is given
    /// it in its markup.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
