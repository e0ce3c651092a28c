//! The Japanese font a print embeds: found on the system at run time (never
//! shipped in the repository), loaded once per process, measured with skrifa.
//!
//! Search order: the caller's override (a file, `path#index` for a font
//! collection), then Debian's IPAex Gothic (fonts-ipaexfont, IPA Font
//! License), Noto Sans CJK JP (fonts-noto-cjk, OFL), then the fonts Windows
//! and macOS ship (Yu Gothic, MS Gothic, Hiragino). None found: the error
//! `print_font_missing`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use daifuku::ApiError;
use skrifa::instance::{LocationRef, Size};
use skrifa::MetadataProvider;

/// Candidate fonts: (path, index in a collection).
const SYSTEM_FONTS: &[(&str, u32)] = &[
    ("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf", 0),
    ("/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf", 0),
    ("/usr/share/fonts/opentype/ipaexfont/ipaexg.ttf", 0),
    // Noto Sans CJK: index 0 of the collection is the JP face.
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 0),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 0),
    ("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf", 0),
    ("C:\\Windows\\Fonts\\YuGothR.ttc", 0),
    ("C:\\Windows\\Fonts\\msgothic.ttc", 0),
    ("/System/Library/Fonts/ヒラギノ角ゴシック W3.ttc", 0),
    ("/System/Library/Fonts/Hiragino Sans GB.ttc", 0),
];

/// Where the font comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FontSource {
    pub path: PathBuf,
    pub index: u32,
}

impl FontSource {
    /// `path` or `path#index`.
    pub fn parse(s: &str) -> FontSource {
        match s.rsplit_once('#') {
            Some((p, i)) if i.parse::<u32>().is_ok() => FontSource { path: p.into(), index: i.parse().unwrap_or(0) },
            _ => FontSource { path: s.into(), index: 0 },
        }
    }
}

fn missing(detail: Option<String>) -> ApiError {
    let mut e = ApiError::new(
        "print_font_missing",
        "No Japanese font was found to print with. Install IPAex Gothic (Debian: fonts-ipaexfont) or Noto Sans CJK \
         (fonts-noto-cjk), or set DAIFUKU_PRINT_FONT to a .ttf/.otf/.ttc file.",
    );
    if let Some(d) = detail {
        e.message = format!("{} ({d})", e.message);
    }
    e
}

/// The font to print with: `override_font` if given (it must exist), else
/// the first system font of [`SYSTEM_FONTS`] that exists.
pub fn locate(override_font: Option<&str>) -> Result<FontSource, ApiError> {
    if let Some(s) = override_font.map(str::trim).filter(|s| !s.is_empty()) {
        let src = FontSource::parse(s);
        return if src.path.is_file() { Ok(src) } else { Err(missing(Some(src.path.display().to_string()))) };
    }
    SYSTEM_FONTS
        .iter()
        .map(|(p, i)| FontSource { path: PathBuf::from(p), index: *i })
        .find(|s| s.path.is_file())
        .ok_or_else(|| missing(None))
}

/// A loaded font: krilla's handle for drawing and the bytes skrifa measures.
#[derive(Clone)]
pub struct PrintFont {
    pub(crate) krilla: krilla::text::Font,
    data: Arc<Vec<u8>>,
    index: u32,
    /// Advance widths per character at size 1, memoized.
    widths: Arc<Mutex<HashMap<char, f32>>>,
    pub source: FontSource,
}

impl std::fmt::Debug for PrintFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrintFont").field("source", &self.source).finish()
    }
}

static LOADED: OnceLock<Mutex<HashMap<FontSource, PrintFont>>> = OnceLock::new();

impl PrintFont {
    /// Loads `source` (once per process: CJK fonts are 6–20 MB).
    pub fn load(source: &FontSource) -> Result<PrintFont, ApiError> {
        let cache = LOADED.get_or_init(Default::default);
        if let Some(f) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(source) {
            return Ok(f.clone());
        }
        let bytes =
            std::fs::read(&source.path).map_err(|e| missing(Some(format!("{}: {e}", source.path.display()))))?;
        let data = Arc::new(bytes);
        skrifa::FontRef::from_index(&data, source.index)
            .map_err(|_| missing(Some(format!("{} is not a font", source.path.display()))))?;
        let krilla = krilla::text::Font::new(krilla::Data::from(data.clone()), source.index)
            .ok_or_else(|| missing(Some(format!("{} is not a font", source.path.display()))))?;
        let font = PrintFont { krilla, data, index: source.index, widths: Default::default(), source: source.clone() };
        cache.lock().unwrap_or_else(|e| e.into_inner()).insert(source.clone(), font.clone());
        Ok(font)
    }

    /// Finds and loads the font ([`locate`], then [`PrintFont::load`]).
    pub fn find(override_font: Option<&str>) -> Result<PrintFont, ApiError> {
        PrintFont::load(&locate(override_font)?)
    }

    /// Width of `ch` at size 1 (an em fraction); a character the font lacks counts as 1 em.
    pub fn char_width(&self, ch: char) -> f32 {
        let mut cache = self.widths.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(w) = cache.get(&ch) {
            return *w;
        }
        let w = skrifa::FontRef::from_index(&self.data, self.index)
            .ok()
            .and_then(|f| {
                let gid = f.charmap().map(ch)?;
                f.glyph_metrics(Size::new(1.0), LocationRef::default()).advance_width(gid)
            })
            .unwrap_or(1.0);
        cache.insert(ch, w);
        w
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.char_width(c)).sum::<f32>() * size
    }

    /// Whether the font has a glyph for `ch`.
    pub fn has(&self, ch: char) -> bool {
        skrifa::FontRef::from_index(&self.data, self.index).ok().and_then(|f| f.charmap().map(ch)).is_some()
    }
}
