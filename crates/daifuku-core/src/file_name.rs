//! File names that come from people or from other devices (an attachment's
//! name, a picked import file, a printed form's title), made safe to write
//! into a folder (issue 18 item 5): whatever the name, the file lands in
//! that folder, on Linux, Windows and macOS alike.
//!
//! The cleaning is the `sanitize-filename` crate's (path separators, `:`,
//! `*`, `?`, quotes, `<>|`, control characters including NUL, names of only
//! dots, Windows' trailing dots and spaces), always with its Windows rules:
//! a name synced from a Linux laptop is saved on a Windows one. Around it,
//! what the crate does not do: bidirectional controls are dropped (an
//! attachment shown as `invoice_txt.exe` through U+202E), a Windows device
//! name (`CON`, `nul.txt`, `COM1.csv`) keeps its extension behind a `_`
//! instead of becoming empty, a long name is cut at a character boundary
//! keeping its extension (the crate cuts the extension off), and an empty
//! result becomes `file`.

use std::path::{Path, PathBuf};

/// The longest name written, in bytes (file systems allow 255; a little
/// room is left for a copy's ` (2)`).
pub const MAX_NAME_BYTES: usize = 200;

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn is_windows_device(stem: &str) -> bool {
    let s = stem.trim_end_matches([' ', '.']).to_ascii_lowercase();
    matches!(s.as_str(), "con" | "prn" | "aux" | "nul")
        || ((s.starts_with("com") || s.starts_with("lpt"))
            && s.len() == 4
            && s.chars().nth(3).is_some_and(|c| c.is_ascii_digit() || "¹²³".contains(c)))
}

/// A name safe to create inside a folder: one plain path segment, never
/// `.`/`..`, no separator, NUL or control character, no Windows device
/// name, at most [`MAX_NAME_BYTES`] bytes, never empty.
pub fn safe_file_name(name: &str) -> String {
    let mut name: String = name.chars().filter(|c| !is_bidi_control(*c)).collect::<String>().trim().to_string();
    // Before the crate, which would replace the whole name (`CON.txt` → `_`).
    if is_windows_device(name.split('.').next().unwrap_or("")) {
        name.insert(0, '_');
    }
    let opts = sanitize_filename::Options { windows: true, truncate: false, replacement: "_" };
    let mut clean = sanitize_filename::sanitize_with_options(&name, opts);
    if clean.trim_matches(['.', ' ', '_']).is_empty() {
        return "file".to_string();
    }
    if clean.len() > MAX_NAME_BYTES {
        let ext = Path::new(&clean)
            .extension()
            .and_then(|e| e.to_str())
            .filter(|e| e.len() <= 16)
            .map(|e| format!(".{e}"))
            .unwrap_or_default();
        let mut end = MAX_NAME_BYTES - ext.len();
        while !clean.is_char_boundary(end) {
            end -= 1;
        }
        clean = format!("{}{ext}", clean[..end].trim_end_matches(['.', ' ']));
    }
    clean
}

/// `dir` joined with the safe form of `name`: always a file directly inside `dir`.
pub fn inside(dir: &Path, name: &str) -> PathBuf {
    dir.join(safe_file_name(name))
}

/// Where `save_file` writes: a `path` that is a folder followed by the
/// file's `name` (how the app asks) becomes that folder joined with the
/// name's safe form; any other path is the caller's own choice, as given.
pub fn save_path(path: &str, name: &str) -> String {
    match path.strip_suffix(name) {
        Some(dir) if !name.is_empty() && (dir.ends_with('/') || dir.ends_with('\\')) => {
            format!("{dir}{}", safe_file_name(name))
        }
        _ => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_stay_one_plain_segment() {
        let cases: &[(&str, &str)] = &[
            ("見積書.pdf", "見積書.pdf"),
            ("名刺 山田様 (2).jpg", "名刺 山田様 (2).jpg"),
            ("../../.bashrc", ".._.._.bashrc"),
            ("..", "file"),
            (".", "file"),
            ("/etc/passwd", "_etc_passwd"),
            ("C:\\Windows\\system.ini", "C__Windows_system.ini"),
            ("a\0b.txt", "a_b.txt"),
            ("CON", "_CON"),
            ("nul.txt", "_nul.txt"),
            ("com1.csv", "_com1.csv"),
            ("lpt9", "_lpt9"),
            ("console.txt", "console.txt"),
            ("report. ", "report_"),
            ("invoice\u{202E}fdp.exe", "invoicefdp.exe"),
            ("", "file"),
            ("   ", "file"),
        ];
        for (input, want) in cases {
            assert_eq!(safe_file_name(input), *want, "{input:?}");
        }
        let long = format!("{}.xlsx", "顧".repeat(300));
        let cut = safe_file_name(&long);
        assert!(cut.len() <= MAX_NAME_BYTES && cut.ends_with(".xlsx") && cut.starts_with("顧顧"), "{cut}");
        assert_eq!(save_path("/home/u/exports/../../.bashrc", "../../.bashrc"), "/home/u/exports/.._.._.bashrc");
        assert_eq!(save_path("C:\\Users\\u\\exports\\CON", "CON"), "C:\\Users\\u\\exports\\_CON");
        assert_eq!(save_path("/home/u/exports/見積書.pdf", "見積書.pdf"), "/home/u/exports/見積書.pdf");
        for input in ["../x", "/abs", "a/../../b", "..\\..\\b"] {
            let p = inside(Path::new("/tmp/exports"), input);
            assert_eq!(p.parent(), Some(Path::new("/tmp/exports")), "{input}");
        }
    }
}
