//! Generated business cards with ground truth, for the tests and the
//! benchmark: rendered with Debian's Japanese fonts (IPAex Gothic/Mincho,
//! Noto Sans/Serif CJK), several layouts, horizontal and vertical (縦書き),
//! as clean scans and as phone-like photos (on a desk, perspective,
//! rotation, uneven light, blur, noise, JPEG).
//!
//! Everything is made from a seed: the same seed gives the same card, so a
//! corpus is regenerated, never committed (`daifuku card corpus`,
//! scripts/make-card-corpus.sh).

use std::collections::BTreeMap;

use ab_glyph::{Font, FontVec, PxScale};
use image::{GrayImage, Luma, Rgb, RgbImage};
use imageproc::drawing::{draw_filled_rect_mut, draw_text_mut, text_size};
use imageproc::geometric_transformations::{warp_into, Interpolation, Projection};
use imageproc::rect::Rect;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use crate::extract::CardFieldName;

/// The fonts cards are printed in.
pub struct Fonts {
    fonts: Vec<(String, FontVec)>,
}

/// Debian's Japanese fonts (fonts-ipaexfont, fonts-noto-cjk).
pub const FONT_FILES: &[(&str, u32)] = &[
    ("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf", 0),
    ("/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 0),
];

impl Fonts {
    /// The fonts of [`FONT_FILES`] that are installed; an error naming the
    /// packages when none is.
    pub fn system() -> Result<Fonts, String> {
        let mut fonts = Vec::new();
        for (path, index) in FONT_FILES {
            if let Ok(bytes) = std::fs::read(path) {
                if let Ok(f) = FontVec::try_from_vec_and_index(bytes, *index) {
                    fonts.push((path.rsplit('/').next().unwrap_or(path).to_string(), f));
                }
            }
        }
        if fonts.is_empty() {
            return Err("no Japanese font found: apt install fonts-ipaexfont fonts-noto-cjk".into());
        }
        Ok(Fonts { fonts })
    }
}

/// One generated card.
pub struct GeneratedCard {
    /// The card as printed (a clean 300-dpi-like scan).
    pub image: GrayImage,
    /// What it says, in the stored form of each field.
    pub truth: BTreeMap<CardFieldName, String>,
    pub vertical: bool,
    pub font: String,
}

const COMPANY_CORES: &[&str] = &[
    "サンプル商事",
    "北斗技研",
    "東和システム",
    "みなと物産",
    "青葉電機",
    "大和精工",
    "日本ソリューションズ",
    "丸福食品",
    "中央ロジテック",
    "さくら建設",
    "富士見メディカル",
    "東邦化学工業",
    "アシスト",
    "光洋ネットワーク",
    "三葉不動産",
    "緑川製作所",
    "ひかり通信",
    "関東エンジニアリング",
    "瑞穂フーズ",
    "新星デザイン",
];
const DEPARTMENTS: &[&str] = &[
    "営業部",
    "営業本部 第一営業部",
    "総務部",
    "経営企画室",
    "情報システム部",
    "購買部",
    "技術開発部",
    "人事部",
    "東京支店",
    "法人営業課",
    "マーケティング部",
    "品質保証部",
];
const TITLES: &[&str] = &["部長", "課長", "係長", "主任", "代表取締役社長", "取締役", "マネージャー", "室長", "支店長"];
/// (family, reading, romaji)
const FAMILIES: &[(&str, &str, &str)] = &[
    ("山田", "ヤマダ", "yamada"),
    ("佐藤", "サトウ", "sato"),
    ("鈴木", "スズキ", "suzuki"),
    ("高橋", "タカハシ", "takahashi"),
    ("田中", "タナカ", "tanaka"),
    ("伊藤", "イトウ", "ito"),
    ("渡辺", "ワタナベ", "watanabe"),
    ("中村", "ナカムラ", "nakamura"),
    ("小林", "コバヤシ", "kobayashi"),
    ("加藤", "カトウ", "kato"),
    ("吉田", "ヨシダ", "yoshida"),
    ("松本", "マツモト", "matsumoto"),
    ("井上", "イノウエ", "inoue"),
    ("木村", "キムラ", "kimura"),
    ("清水", "シミズ", "shimizu"),
    ("森田", "モリタ", "morita"),
];
const GIVENS: &[(&str, &str, &str)] = &[
    ("太郎", "タロウ", "taro"),
    ("花子", "ハナコ", "hanako"),
    ("健一", "ケンイチ", "kenichi"),
    ("美咲", "ミサキ", "misaki"),
    ("翔太", "ショウタ", "shota"),
    ("由美", "ユミ", "yumi"),
    ("大輔", "ダイスケ", "daisuke"),
    ("直樹", "ナオキ", "naoki"),
    ("恵子", "ケイコ", "keiko"),
    ("浩二", "コウジ", "koji"),
    ("陽子", "ヨウコ", "yoko"),
    ("誠", "マコト", "makoto"),
];
/// (postal prefix, address start, area code) — real postal areas and their phone areas.
const PLACES: &[(&str, &str, &str)] = &[
    ("100-00", "東京都千代田区丸の内", "03"),
    ("150-00", "東京都渋谷区渋谷", "03"),
    ("530-00", "大阪府大阪市北区梅田", "06"),
    ("460-00", "愛知県名古屋市中区栄", "052"),
    ("220-00", "神奈川県横浜市西区みなとみらい", "045"),
    ("812-00", "福岡県福岡市博多区博多駅前", "092"),
    ("060-00", "北海道札幌市中央区北一条西", "011"),
    ("980-00", "宮城県仙台市青葉区中央", "022"),
];
const BUILDINGS: &[&str] = &["丸の内ビル5F", "第一生命ビル12階", "センタービル3F", "みなとタワー21階", "駅前プラザ8F"];

fn pick<'a, T>(rng: &mut ChaCha8Rng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

/// A field's stored form, as `extract` makes it.
fn stored(name: CardFieldName, raw: &str) -> String {
    let def = match name {
        CardFieldName::Company => daifuku::Kind::Company.field("name"),
        CardFieldName::Fax => daifuku::Kind::Company.field("fax"),
        CardFieldName::Url => daifuku::Kind::Company.field("website"),
        other => daifuku::Kind::Contact.field(other.as_str()),
    }
    .expect("a record field");
    match daifuku::validate::clean_field(def, Value::String(raw.to_string())) {
        Ok(Value::String(s)) => s,
        other => panic!("generated value {raw:?} for {name:?} does not clean: {other:?}"),
    }
}

/// A number that exists in the numbering plan, as the core formats it.
fn phone(rng: &mut ChaCha8Rng, area: &str) -> String {
    loop {
        let n = phone_shape(rng, area);
        if daifuku::phone::parse_number(&n).is_ok_and(|p| p.formatted == n) {
            return n;
        }
    }
}

fn phone_shape(rng: &mut ChaCha8Rng, area: &str) -> String {
    let local_len = 10 - area.len();
    let first_len = local_len - 4;
    let mut first = rng.random_range(2..10).to_string();
    while first.len() < first_len {
        first.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
    format!("{area}-{first}-{:04}", rng.random_range(1000..10000))
}

/// What a card says: printed lines (with their role) and the truth.
struct Content {
    address_vertical: String,
    company: String,
    department: String,
    title: String,
    family: (&'static str, &'static str, &'static str),
    given: (&'static str, &'static str, &'static str),
    postal: String,
    address: String,
    building: Option<String>,
    phone: String,
    phone_note: bool,
    fax: String,
    mobile: Option<String>,
    email: String,
    url: String,
}

fn content(rng: &mut ChaCha8Rng) -> Content {
    let core = *pick(rng, COMPANY_CORES);
    let company = match rng.random_range(0..4) {
        0 => format!("株式会社{core}"),
        1 | 2 => format!("{core}株式会社"),
        _ => format!("(株){core}"),
    };
    let family = *pick(rng, FAMILIES);
    let given = *pick(rng, GIVENS);
    let (postal_prefix, street, area) = *pick(rng, PLACES);
    let postal = format!("{postal_prefix}{:02}", rng.random_range(1..100));
    let (chome, ban, go) = (rng.random_range(1..6), rng.random_range(1..20), rng.random_range(1..30));
    let address = format!("{street}{chome}-{ban}-{go}");
    // 縦書き cards write the numbers with 丁目・番・号 (a dash would stand on end).
    let address_vertical = format!("{street}{chome}丁目{ban}番{go}号");
    let building = rng.random_bool(0.5).then(|| pick(rng, BUILDINGS).to_string());
    let domain = format!(
        "{}.co.jp",
        ["sample", "hokuto", "towa", "minato", "aoba", "yamato", "nippon-sol"][rng.random_range(0..7)]
    );
    Content {
        address_vertical,
        company,
        department: pick(rng, DEPARTMENTS).to_string(),
        title: pick(rng, TITLES).to_string(),
        family,
        given,
        postal,
        address,
        building,
        phone: phone(rng, area),
        phone_note: rng.random_bool(0.3),
        fax: phone(rng, area),
        mobile: rng.random_bool(0.6).then(|| {
            format!(
                "{}-{}-{:04}",
                ["090", "080", "070"][rng.random_range(0..3)],
                rng.random_range(1000..10000),
                rng.random_range(0..10000)
            )
        }),
        email: format!("{}.{}@{domain}", given.2, family.2),
        url: format!("https://www.{domain}"),
    }
}

fn truth_of(c: &Content, vertical: bool) -> BTreeMap<CardFieldName, String> {
    use CardFieldName::*;
    let mut t = BTreeMap::new();
    let mut put = |n: CardFieldName, raw: &str| {
        t.insert(n, stored(n, raw));
    };
    put(Company, &c.company);
    put(Department, &c.department);
    put(Title, &c.title);
    put(FamilyName, c.family.0);
    put(GivenName, c.given.0);
    put(PostalCode, &c.postal);
    let street = if vertical { &c.address_vertical } else { &c.address };
    let address = match &c.building {
        Some(b) => format!("{street} {b}"),
        None => street.clone(),
    };
    put(Address, &address);
    put(Phone, &format!("{}{}", c.phone, if c.phone_note { "(代)" } else { "" }));
    if !vertical {
        put(FamilyReading, c.family.1);
        put(GivenReading, c.given.1);
        put(Fax, &c.fax);
        if let Some(m) = &c.mobile {
            put(Mobile, m);
        }
        put(Email, &c.email);
        put(Url, &c.url);
    }
    t
}

/// Card size at ~300 dpi (91 × 55 mm).
const W: u32 = 1075;
const H: u32 = 650;

fn draw(img: &mut GrayImage, font: &FontVec, px: f32, x: i32, y: i32, text: &str) {
    draw_text_mut(img, Luma([20]), x, y, PxScale::from(px), font, text);
}

fn width(font: &FontVec, px: f32, text: &str) -> i32 {
    text_size(PxScale::from(px), font, text).0 as i32
}

/// Vertical text: one glyph under the other, centred on `x` (the column's centre).
fn draw_vertical(img: &mut GrayImage, font: &FontVec, px: f32, x: i32, y: i32, text: &str) -> i32 {
    let mut y = y;
    for ch in text.chars() {
        if ch == ' ' {
            y += (px * 0.6) as i32;
            continue;
        }
        // Vertical forms: dashes and brackets turned (U+FE30 block).
        let ch = match ch {
            '-' | '－' => '︱',
            '(' | '（' => '︵',
            ')' | '）' => '︶',
            c if c.is_ascii_digit() => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c),
            c => c,
        };
        let s = ch.to_string();
        let w = text_size(PxScale::from(px), font, &s).0 as i32;
        let _ = font.glyph_id(ch);
        draw(img, font, px, x - w / 2, y, &s);
        y += (px * 1.08) as i32;
    }
    y
}

/// Renders a card from `seed`: layout, font and content all follow from it.
pub fn card(fonts: &Fonts, seed: u64, vertical: bool) -> GeneratedCard {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let c = content(&mut rng);
    let (font_name, font) = &fonts.fonts[rng.random_range(0..fonts.fonts.len())];
    let truth = truth_of(&c, vertical);
    let name_line = format!("{} {}", c.family.0, c.given.0);
    let reading_line = format!("{} {}", c.family.1, c.given.1);
    let phone_text = format!("{}{}", c.phone, if c.phone_note { "(代)" } else { "" });
    let image = if vertical {
        let mut img = GrayImage::from_pixel(H, W, Luma([250]));
        // Columns right to left: company, department + title, name, address, phone.
        let mut x = H as i32 - 80;
        draw_vertical(&mut img, font, 40.0, x, 70, &c.company);
        x -= 80;
        let y = draw_vertical(&mut img, font, 32.0, x, 150, &c.department);
        draw_vertical(&mut img, font, 32.0, x, y + 24, &c.title);
        x -= 130;
        draw_vertical(&mut img, font, 82.0, x, 200, &name_line);
        x -= 120;
        draw_vertical(&mut img, font, 26.0, x, 120, &format!("〒{}", c.postal));
        x -= 44;
        let y = draw_vertical(&mut img, font, 26.0, x, 120, &c.address_vertical);
        if let Some(b) = &c.building {
            x -= 40;
            let _ = y;
            draw_vertical(&mut img, font, 26.0, x, 160, b);
        }
        x -= 52;
        draw_vertical(&mut img, font, 26.0, x, 120, &format!("電話 {phone_text}"));
        img
    } else {
        let mut img = GrayImage::from_pixel(W, H, Luma([250]));
        let layout = rng.random_range(0..3);
        let small = 25.0;
        let mut contact_lines = vec![format!("TEL {phone_text}  FAX {}", c.fax)];
        if let Some(m) = &c.mobile {
            contact_lines.push(format!("携帯 {m}"));
        }
        contact_lines.push(format!("E-mail: {}", c.email));
        contact_lines.push(c.url.clone());
        let mut address_lines = vec![format!("〒{} {}", c.postal, c.address)];
        if let Some(b) = &c.building {
            address_lines.push(b.clone());
        }
        match layout {
            // Company top left, name in the middle, details below.
            0 => {
                draw(&mut img, font, 40.0, 70, 50, &c.company);
                draw(&mut img, font, 28.0, 70, 130, &format!("{}  {}", c.department, c.title));
                draw(&mut img, font, 78.0, 300, 190, &name_line);
                draw(&mut img, font, 24.0, 310, 285, &reading_line);
                let mut y = 370;
                for l in address_lines.iter().chain(&contact_lines) {
                    draw(&mut img, font, small, 70, y, l);
                    y += 38;
                }
            }
            // Department and title above the name on the left; company and details on the right below.
            1 => {
                draw(&mut img, font, 28.0, 80, 60, &c.department);
                draw(&mut img, font, 28.0, 80, 100, &c.title);
                draw(&mut img, font, 84.0, 80, 150, &name_line);
                draw(&mut img, font, 24.0, 90, 250, &reading_line);
                draw(&mut img, font, 38.0, 80, 320, &c.company);
                let mut y = 385;
                for l in address_lines.iter().chain(&contact_lines) {
                    draw(&mut img, font, small - 1.0, 80, y, l);
                    y += 36;
                }
            }
            // Centred.
            _ => {
                let centre = |img: &mut GrayImage, px: f32, y: i32, t: &str| {
                    let x = (W as i32 - width(font, px, t)) / 2;
                    draw(img, font, px, x.max(20), y, t);
                };
                centre(&mut img, 38.0, 40, &c.company);
                centre(&mut img, 27.0, 105, &c.department);
                centre(&mut img, 27.0, 145, &c.title);
                centre(&mut img, 80.0, 190, &name_line);
                centre(&mut img, 24.0, 285, &reading_line);
                let mut y = 350;
                for l in address_lines.iter().chain(&contact_lines) {
                    centre(&mut img, small - 1.0, y, l);
                    y += 37;
                }
            }
        }
        // A brand bar, as many cards have.
        draw_filled_rect_mut(&mut img, Rect::at(0, H as i32 - 18).of_size(W, 18), Luma([120]));
        img
    };
    GeneratedCard { image, truth, vertical, font: font_name.clone() }
}

/// The card as a phone photo: on a desk (dark, textured, uneven light),
/// seen at an angle (perspective), turned a little, slightly blurred,
/// noisy, JPEG-compressed by the caller.
pub fn photo(card: &GrayImage, seed: u64) -> RgbImage {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_ca4d);
    let (cw, ch) = (card.width() as f32, card.height() as f32);
    let (pw, ph) = if cw > ch { (1600u32, 1200u32) } else { (1200u32, 1600u32) };
    let scale = (pw as f32 * 0.78) / cw;
    let (dw, dh) = (cw * scale, ch * scale);
    let (ox, oy) = ((pw as f32 - dw) / 2.0, (ph as f32 - dh) / 2.0);
    let angle: f32 = rng.random_range(-9.0f32..9.0).to_radians();
    let (s, c) = angle.sin_cos();
    let (cx, cy) = (pw as f32 / 2.0, ph as f32 / 2.0);
    let jitter = dw * 0.045;
    let corners = [(ox, oy), (ox + dw, oy), (ox + dw, oy + dh), (ox, oy + dh)].map(|(x, y)| {
        let (x, y) = (x + rng.random_range(-jitter..jitter), y + rng.random_range(-jitter..jitter));
        let (dx, dy) = (x - cx, y - cy);
        (cx + dx * c - dy * s, cy + dx * s + dy * c)
    });
    // Desk: a dark wood-like gradient with streaks.
    let base = rng.random_range(40..110) as f32;
    let tint = [rng.random_range(0.9f32..1.2), rng.random_range(0.8f32..1.0), rng.random_range(0.6f32..0.9)];
    let mut desk = RgbImage::new(pw, ph);
    for (x, y, p) in desk.enumerate_pixels_mut() {
        let streak = ((y as f32 * 0.05 + (x as f32 * 0.003).sin() * 6.0).sin() * 10.0) + base;
        let v = streak + (x as f32 / pw as f32) * 25.0;
        *p = Rgb([
            (v * tint[0]).clamp(0.0, 255.0) as u8,
            (v * tint[1]).clamp(0.0, 255.0) as u8,
            (v * tint[2]).clamp(0.0, 255.0) as u8,
        ]);
    }
    let Some(projection) =
        Projection::from_control_points([(0.0, 0.0), (cw, 0.0), (cw, ch), (0.0, ch)], corners).and_then(|p| Some(p))
    else {
        return desk;
    };
    // Warp the card onto a mask-aware canvas: pixels outside the card stay the desk.
    let mut warped = GrayImage::from_pixel(pw, ph, Luma([0]));
    let mut mask = GrayImage::from_pixel(card.width(), card.height(), Luma([255]));
    warp_into(card, &projection, Interpolation::Bilinear, Luma([0]), &mut warped);
    let mut warped_mask = GrayImage::new(pw, ph);
    warp_into(&mask, &projection, Interpolation::Bilinear, Luma([0]), &mut warped_mask);
    mask = warped_mask;
    let light_dir = rng.random_range(0.0f32..std::f32::consts::TAU);
    let (lx, ly) = (light_dir.cos(), light_dir.sin());
    for (x, y, p) in desk.enumerate_pixels_mut() {
        let m = mask.get_pixel(x, y).0[0] as f32 / 255.0;
        if m <= 0.0 {
            continue;
        }
        // Uneven light across the card: ±10%.
        let shade = 1.0 + 0.10 * ((x as f32 / pw as f32 - 0.5) * lx + (y as f32 / ph as f32 - 0.5) * ly) * 2.0;
        let v = warped.get_pixel(x, y).0[0] as f32 * shade * 0.97;
        for k in 0..3 {
            p.0[k] = (p.0[k] as f32 * (1.0 - m) + v.clamp(0.0, 255.0) * m) as u8;
        }
    }
    let sigma = rng.random_range(0.4f32..1.1);
    let mut out = imageproc::filter::gaussian_blur_f32(&desk, sigma);
    for p in out.pixels_mut() {
        let n = rng.random_range(-10i32..=10);
        for k in 0..3 {
            p.0[k] = (p.0[k] as i32 + n).clamp(0, 255) as u8;
        }
    }
    out
}

/// A PNG of a gray image.
pub fn png(img: &GrayImage) -> Vec<u8> {
    let mut out = Vec::new();
    use image::ImageEncoder;
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), img.width(), img.height(), image::ExtendedColorType::L8)
        .expect("PNG encodes to memory");
    out
}

/// A JPEG (quality 85, as phones save) of a photo.
pub fn jpeg(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(img).expect("JPEG encodes to memory");
    out
}

/// One item of a corpus: the file's bytes, its ground truth, and what it is.
pub struct CorpusItem {
    pub name: String,
    pub bytes: Vec<u8>,
    pub truth: BTreeMap<CardFieldName, String>,
    pub vertical: bool,
    pub photo: bool,
}

/// `n` cards from `seed` (every fourth vertical), each as a clean scan (PNG)
/// and as a photo (JPEG).
pub fn corpus(fonts: &Fonts, seed: u64, n: usize) -> Vec<CorpusItem> {
    let mut items = Vec::with_capacity(n * 2);
    for i in 0..n as u64 {
        let vertical = i % 4 == 3;
        let card = card(fonts, seed.wrapping_mul(1_000_003).wrapping_add(i), vertical);
        let kind = if vertical { "vertical" } else { "horizontal" };
        items.push(CorpusItem {
            name: format!("card-{i:03}-{kind}-scan.png"),
            bytes: png(&card.image),
            truth: card.truth.clone(),
            vertical,
            photo: false,
        });
        items.push(CorpusItem {
            name: format!("card-{i:03}-{kind}-photo.jpg"),
            bytes: jpeg(&photo(&card.image, seed.wrapping_add(i))),
            truth: card.truth,
            vertical,
            photo: true,
        });
    }
    items
}

/// How a value compares with the truth: the stored forms, with spaces
/// removed (OCR drops or adds the space in "丸の内1-2-3 丸の内ビル5F").
pub fn same(read: &str, truth: &str) -> bool {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    squash(read) == squash(truth)
}

/// Per-field exact-match counts of one group (clean scans or photos).
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Accuracy {
    /// field → (exact, in the truth)
    pub per_field: BTreeMap<CardFieldName, (u32, u32)>,
    pub cards: u32,
    /// Cards refused (no card found, unreadable…).
    pub failed: u32,
    pub seconds: f64,
}

impl Accuracy {
    pub fn exact(&self) -> u32 {
        self.per_field.values().map(|v| v.0).sum()
    }
    pub fn total(&self) -> u32 {
        self.per_field.values().map(|v| v.1).sum()
    }
    pub fn ratio(&self) -> f64 {
        self.exact() as f64 / self.total().max(1) as f64
    }
    pub fn seconds_per_card(&self) -> f64 {
        self.seconds / self.cards.max(1) as f64
    }
}

/// Reads every item (one at a time, as a user's single scan is) and
/// compares with the truth: (clean scans, photos), and the misses
/// (`name field: read ≠ truth`) for looking into.
pub fn evaluate(items: &[CorpusItem], engine: &crate::OcrEngine) -> (Accuracy, Accuracy, Vec<String>) {
    let (mut clean, mut photos) = (Accuracy::default(), Accuracy::default());
    let mut misses = Vec::new();
    for item in items {
        let started = std::time::Instant::now();
        let result = crate::scan_bytes(&item.bytes, engine, false);
        let acc = if item.photo { &mut photos } else { &mut clean };
        acc.seconds += started.elapsed().as_secs_f64();
        acc.cards += 1;
        let fields = match result {
            Ok(scan) => scan.fields,
            Err(e) => {
                acc.failed += 1;
                misses.push(format!("{}: {} {}", item.name, e.code, e.message));
                vec![]
            }
        };
        for (name, truth) in &item.truth {
            let read = fields.iter().find(|f| f.name == *name).map(|f| f.value.as_str()).unwrap_or("");
            let e = acc.per_field.entry(*name).or_default();
            e.1 += 1;
            if same(read, truth) {
                e.0 += 1;
            } else {
                misses.push(format!("{} {}: {read:?} ≠ {truth:?}", item.name, name.as_str()));
            }
        }
    }
    (clean, photos, misses)
}
