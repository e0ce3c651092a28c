//! Reading the photo or scan: what it is (by its bytes, not its name), how
//! big, and the decoded image — or an error the user can act on.

use daifuku::ApiError;
use image::{DynamicImage, ImageFormat, ImageReader};
use std::io::Cursor;

/// Files above this are refused before decoding (a phone's photo is 2–12 MB).
pub const MAX_FILE_BYTES: usize = 40 * 1024 * 1024;
/// Images above this many pixels are refused before decoding (a 108 MP
/// phone sensor is ~108 million; decoding one takes ~400 MB).
pub const MAX_PIXELS: u64 = 80_000_000;
/// Shorter sides below this cannot hold readable text of a business card.
pub const MIN_SIDE: u32 = 200;

pub fn too_large(what: String) -> ApiError {
    ApiError::new(
        "card_too_large",
        format!("The image is too large to read ({what}). Use a photo of at most 80 megapixels and 40 MB."),
    )
}

pub fn unreadable(why: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        "card_unreadable",
        format!("The image cannot be read ({why}). Take the photo again or scan the card."),
    )
}

pub fn unsupported(what: &str) -> ApiError {
    ApiError::new(
        "card_unsupported_format",
        format!("{what} files cannot be read as a business card. Use a JPEG or PNG photo or scan of the card."),
    )
}

/// What the bytes are, by their first bytes.
fn sniff(bytes: &[u8]) -> Result<ImageFormat, ApiError> {
    if bytes.starts_with(b"%PDF") {
        return Err(unsupported("PDF"));
    }
    // ISO base media (HEIC/HEIF/AVIF): `....ftypheic`. No HEIC decoder is
    // available without the system's libheif (not on Windows/macOS by
    // default, and its Rust binding builds against it), so these are refused
    // with a hint; iPhones export JPEG with "Most Compatible".
    if bytes.len() > 12 && &bytes[4..8] == b"ftyp" {
        let brand = String::from_utf8_lossy(&bytes[8..12]).to_string();
        let what = if brand.starts_with("avi") { "AVIF" } else { "HEIC" };
        return Err(unsupported(what));
    }
    match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png)) => Ok(f),
        Ok(other) => {
            Err(unsupported(other.extensions_str().first().copied().unwrap_or("This").to_uppercase().as_str()))
        }
        Err(_) if bytes.is_empty() => Err(unreadable("the file is empty")),
        Err(_) => Err(unsupported("This kind of")),
    }
}

/// Decodes a JPEG or PNG, refusing PDFs, HEIC, huge and corrupt files.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, ApiError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(format!("{} MB", bytes.len() / (1024 * 1024))));
    }
    let format = sniff(bytes)?;
    let reader = ImageReader::with_format(Cursor::new(bytes), format);
    let (w, h) = reader.into_dimensions().map_err(unreadable)?;
    if w as u64 * h as u64 > MAX_PIXELS {
        return Err(too_large(format!("{w}×{h}")));
    }
    if w.min(h) < MIN_SIDE {
        return Err(unreadable(format!("{w}×{h} pixels is too small")));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(unreadable)?;
    Ok(apply_exif_orientation(bytes, format, img))
}

/// Phone photos are stored sideways with an EXIF orientation tag; turn them
/// upright as the phone showed them.
fn apply_exif_orientation(bytes: &[u8], format: ImageFormat, img: DynamicImage) -> DynamicImage {
    use image::ImageDecoder;
    let orientation = match format {
        ImageFormat::Jpeg => {
            image::codecs::jpeg::JpegDecoder::new(Cursor::new(bytes)).ok().and_then(|mut d| d.orientation().ok())
        }
        _ => None,
    };
    let mut img = img;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    img
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_card_image() {
        let cases: &[(&[u8], &str)] = &[
            (b"%PDF-1.7\n1 0 obj", "card_unsupported_format"),
            (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", "card_unsupported_format"),
            (b"GIF89a\x01\0\x01\0", "card_unsupported_format"),
            (b"", "card_unreadable"),
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR garbage", "card_unreadable"),
            (b"\xff\xd8\xff\xe0 truncated jpeg", "card_unreadable"),
            (b"hello, this is text", "card_unsupported_format"),
        ];
        for (bytes, code) in cases {
            assert_eq!(decode(bytes).unwrap_err().code, *code, "{:?}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn refuses_huge_and_tiny_images_before_decoding() {
        // A JPEG whose frame header (SOF0, no checksum) claims 20000×20000
        // pixels: refused from the header alone.
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
            .encode(&[255; 300 * 300], 300, 300, image::ExtendedColorType::L8)
            .unwrap();
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).expect("baseline JPEG");
        jpeg[sof + 5..sof + 7].copy_from_slice(&20000u16.to_be_bytes());
        jpeg[sof + 7..sof + 9].copy_from_slice(&20000u16.to_be_bytes());
        assert_eq!(decode(&jpeg).unwrap_err().code, "card_too_large");
        use image::ImageEncoder;
        let mut small = Vec::new();
        image::codecs::png::PngEncoder::new(&mut small)
            .write_image(&[255; 100 * 60], 100, 60, image::ExtendedColorType::L8)
            .unwrap();
        assert_eq!(decode(&small).unwrap_err().code, "card_unreadable");
        assert_eq!(decode(&vec![0u8; MAX_FILE_BYTES + 1]).unwrap_err().code, "card_too_large");
    }
}
