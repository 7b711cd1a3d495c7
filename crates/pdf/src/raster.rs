//! An SVG drawn as a PNG, with the same bundled fonts as the PDFs: Word
//! documents take charts only as raster images, and this way a chart in a
//! Word pack is the chart the pages and the PDF draw.

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{Options, Tree, fontdb};
use std::sync::{Arc, LazyLock};

/// The bundled fonts, loaded once.
static FONTS: LazyLock<Arc<fontdb::Database>> = LazyLock::new(|| {
    let mut db = fontdb::Database::new();
    for data in typst_assets::fonts() {
        db.load_font_data(data.to_vec());
    }
    Arc::new(db)
});

/// A PNG and the size it is meant to be shown at, in CSS pixels (1/96 in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Png {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum RasterError {
    #[error("the SVG could not be read: {0}")]
    Svg(String),
    #[error("the SVG has no area to draw ({0}×{1})")]
    Empty(u32, u32),
    #[error("the PNG could not be written: {0}")]
    Png(String),
}

/// Draws `svg` at `scale` pixels per CSS pixel (2 for print).
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Png, RasterError> {
    let options = Options {
        fontdb: Arc::clone(&FONTS),
        font_family: "Libertinus Serif".into(),
        ..Options::default()
    };
    let tree = Tree::from_str(svg, &options).map_err(|e| RasterError::Svg(e.to_string()))?;
    let size = tree.size().to_int_size();
    let (width, height) = (size.width(), size.height());
    let scaled = |n: u32| (n as f32 * scale).ceil() as u32;
    let mut pixmap =
        Pixmap::new(scaled(width), scaled(height)).ok_or(RasterError::Empty(width, height))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let bytes = pixmap
        .encode_png()
        .map_err(|e| RasterError::Png(e.to_string()))?;
    Ok(Png {
        bytes,
        width,
        height,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_svg_becomes_a_png_of_its_size_with_its_text_drawn() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100"><rect x="10" y="10" width="80" height="80" fill="#d4351c"/><text x="100" y="60" font-size="20">Q2</text></svg>"##;
        let png = svg_to_png(svg, 2.0).unwrap();
        assert!(png.bytes.starts_with(b"\x89PNG"));
        assert_eq!((png.width, png.height), (200, 100));
        let without_text = svg_to_png(&svg.replace(">Q2<", "><"), 2.0).unwrap();
        assert_ne!(
            png.bytes, without_text.bytes,
            "the text is drawn: a font was found"
        );
    }

    #[test]
    fn what_is_not_an_svg_is_an_error_not_a_panic() {
        assert!(matches!(svg_to_png("<svg", 1.0), Err(RasterError::Svg(_))));
        assert!(svg_to_png("not svg at all", 1.0).is_err());
    }
}
