//! Deterministic generator of realistic Japanese CRM data, for demos and for
//! benchmarks (100k companies / 300k contacts / 1M activities).
//!
//! Everything comes from one `ChaCha8Rng` seeded with [`GenOptions::seed`],
//! record ids come from the store's id source seeded with the same value, and
//! every date is computed from `ctx.today()`: the same seed and the same `Ctx`
//! give an identical database. The clock is never read.
//!
//! Records are written through [`Store::create_many`] (validated inserts), a
//! chunk of [`CHUNK`] companies at a time. Children need their parents' ids,
//! which only the store hands out, so one chunk is written in a few steps
//! (companies; contacts, financials and relations; deals and card exchanges;
//! activities and purchases; tasks), each one transaction.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Map, Value};

use daifuku::error::ApiError;
use daifuku::model::{self, Kind};
use daifuku::normalize::corporate_check_digit;
use daifuku::store::{Ctx, Store};

#[derive(Debug, Clone)]
pub struct GenOptions {
    pub companies: usize,
    pub seed: u64,
    /// Companies and their contacts (with financials and relations) only:
    /// no deals, card exchanges, activities, purchases or tasks.
    pub customers_only: bool,
}

/// How many records of each kind were written. `other` counts financials,
/// company relations, card exchanges, product scores, case studies and note
/// templates; contact positions made automatically by the store are not
/// counted.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct GenStats {
    pub users: usize,
    pub companies: usize,
    pub contacts: usize,
    pub activities: usize,
    pub deals: usize,
    pub purchases: usize,
    pub products: usize,
    pub tasks: usize,
    pub other: usize,
}

impl GenStats {
    fn add(&mut self, kind: Kind) {
        match kind {
            Kind::User => self.users += 1,
            Kind::Company => self.companies += 1,
            Kind::Contact => self.contacts += 1,
            Kind::Activity => self.activities += 1,
            Kind::Deal => self.deals += 1,
            Kind::Purchase => self.purchases += 1,
            Kind::Product => self.products += 1,
            Kind::Task => self.tasks += 1,
            _ => self.other += 1,
        }
    }
}

/// Companies (with all their children) per chunk of writes.
pub const CHUNK: usize = 2000;

/// Generates data into `store` with writes stamped by `ctx` (its now_ms/today() anchors all dates).
/// Calls `progress(done_companies, total_companies)` now and then.
pub fn generate(
    store: &mut Store,
    ctx: &Ctx,
    opts: &GenOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> daifuku::Result<GenStats> {
    store.seed_ids(opts.seed);
    let today = NaiveDate::parse_from_str(&ctx.today(), "%Y-%m-%d")
        .map_err(|e| ApiError::new("invalid_date", format!("today: {e}")))?;
    let mut g = Gen::new(opts.seed, today);
    let total = opts.companies;
    progress(0, total);
    g.setup(store, ctx)?;
    let mut done = 0;
    while done < total {
        let end = (done + CHUNK).min(total);
        g.chunk(store, ctx, done, end, opts.customers_only)?;
        done = end;
        progress(done, total);
    }
    g.case_studies(store, ctx)?;
    Ok(g.stats)
}

// ---------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------

/// (kanji, katakana reading, romaji)
type Part = (&'static str, &'static str, &'static str);

/// One address row: prefecture, city, 3-digit postal prefix, phone area code,
/// towns, and the regional name used as a company-name lead.
pub(crate) struct AddressRow {
    pub pref: &'static str,
    pub city: &'static str,
    pub postal: &'static str,
    pub area: &'static str,
    pub towns: &'static [&'static str],
    pub lead: Part,
    pub weight: u32,
}

macro_rules! rows {
    ($( $pref:literal $city:literal $postal:literal $area:literal [$($town:literal),*] ($lk:literal $lr:literal $lro:literal) $w:literal; )*) => {
        &[ $( AddressRow { pref: $pref, city: $city, postal: $postal, area: $area, towns: &[$($town),*], lead: ($lk, $lr, $lro), weight: $w }, )* ]
    };
}

pub(crate) const ADDRESS_ROWS: &[AddressRow] = rows! {
    "東京都" "千代田区" "100" "03" ["丸の内", "大手町", "有楽町", "内幸町"] ("東京" "トウキョウ" "tokyo") 7;
    "東京都" "中央区" "104" "03" ["銀座", "八丁堀", "新川", "京橋", "築地"] ("銀座" "ギンザ" "ginza") 5;
    "東京都" "港区" "105" "03" ["芝", "浜松町", "虎ノ門", "新橋", "西新橋"] ("芝浦" "シバウラ" "shibaura") 5;
    "東京都" "新宿区" "160" "03" ["西新宿", "新宿", "大久保", "百人町"] ("新宿" "シンジュク" "shinjuku") 4;
    "東京都" "渋谷区" "150" "03" ["渋谷", "恵比寿", "道玄坂", "神宮前"] ("渋谷" "シブヤ" "shibuya") 3;
    "東京都" "品川区" "141" "03" ["大崎", "東五反田", "西五反田"] ("品川" "シナガワ" "shinagawa") 3;
    "東京都" "大田区" "144" "03" ["蒲田", "西蒲田", "羽田", "大森南"] ("蒲田" "カマタ" "kamata") 3;
    "東京都" "台東区" "110" "03" ["上野", "東上野", "台東", "浅草橋"] ("上野" "ウエノ" "ueno") 2;
    "東京都" "八王子市" "192" "042" ["明神町", "旭町", "横山町"] ("八王子" "ハチオウジ" "hachioji") 2;
    "東京都" "立川市" "190" "042" ["曙町", "柴崎町", "錦町"] ("立川" "タチカワ" "tachikawa") 1;
    "神奈川県" "横浜市西区" "220" "045" ["みなとみらい", "高島", "北幸", "南幸"] ("横浜" "ヨコハマ" "yokohama") 4;
    "神奈川県" "横浜市港北区" "222" "045" ["新横浜", "大豆戸町", "篠原町"] ("港北" "コウホク" "kohoku") 2;
    "神奈川県" "川崎市川崎区" "210" "044" ["駅前本町", "砂子", "東田町"] ("川崎" "カワサキ" "kawasaki") 2;
    "埼玉県" "さいたま市大宮区" "330" "048" ["桜木町", "大門町", "宮町"] ("大宮" "オオミヤ" "omiya") 3;
    "千葉県" "千葉市中央区" "260" "043" ["富士見", "中央", "新町"] ("房総" "ボウソウ" "boso") 2;
    "茨城県" "水戸市" "310" "029" ["南町", "泉町", "宮町"] ("水戸" "ミト" "mito") 1;
    "栃木県" "宇都宮市" "320" "028" ["馬場通り", "大通り", "本町"] ("宇都宮" "ウツノミヤ" "utsunomiya") 1;
    "群馬県" "高崎市" "370" "027" ["八島町", "連雀町", "栄町"] ("上州" "ジョウシュウ" "joshu") 1;
    "大阪府" "大阪市北区" "530" "06" ["梅田", "中之島", "天満", "曽根崎"] ("大阪" "オオサカ" "osaka") 5;
    "大阪府" "大阪市中央区" "541" "06" ["本町", "北浜", "淡路町", "備後町"] ("船場" "センバ" "senba") 4;
    "大阪府" "堺市堺区" "590" "072" ["中瓦町", "南瓦町", "熊野町東"] ("堺" "サカイ" "sakai") 1;
    "大阪府" "東大阪市" "577" "06" ["高井田元町", "長堂", "荒川"] ("河内" "カワチ" "kawachi") 2;
    "愛知県" "名古屋市中区" "460" "052" ["栄", "丸の内", "錦", "大須"] ("名古屋" "ナゴヤ" "nagoya") 4;
    "愛知県" "名古屋市中村区" "450" "052" ["名駅", "名駅南"] ("中京" "チュウキョウ" "chukyo") 2;
    "愛知県" "豊田市" "471" "0565" ["小坂本町", "西町", "喜多町"] ("三河" "ミカワ" "mikawa") 1;
    "静岡県" "静岡市葵区" "420" "054" ["紺屋町", "呉服町", "御幸町"] ("駿河" "スルガ" "suruga") 1;
    "静岡県" "浜松市中央区" "430" "053" ["砂山町", "旭町", "板屋町"] ("遠州" "エンシュウ" "enshu") 1;
    "京都府" "京都市下京区" "600" "075" ["東塩小路町", "中堂寺南町", "西洞院通"] ("京都" "キョウト" "kyoto") 2;
    "兵庫県" "神戸市中央区" "650" "078" ["三宮町", "元町通", "栄町通", "海岸通"] ("神戸" "コウベ" "kobe") 2;
    "兵庫県" "姫路市" "670" "079" ["駅前町", "南駅前町", "西駅前町"] ("播磨" "ハリマ" "harima") 1;
    "奈良県" "奈良市" "630" "0742" ["三条本町", "大宮町", "油阪町"] ("大和路" "ヤマトジ" "yamatoji") 1;
    "北海道" "札幌市中央区" "060" "011" ["北一条西", "大通西", "北三条西", "南一条西"] ("札幌" "サッポロ" "sapporo") 3;
    "宮城県" "仙台市青葉区" "980" "022" ["一番町", "中央", "本町"] ("仙台" "センダイ" "sendai") 2;
    "岩手県" "盛岡市" "020" "019" ["大通", "中央通", "菜園"] ("盛岡" "モリオカ" "morioka") 1;
    "福島県" "郡山市" "963" "024" ["駅前", "中町", "大町"] ("郡山" "コオリヤマ" "koriyama") 1;
    "新潟県" "新潟市中央区" "950" "025" ["万代", "東大通", "笹口"] ("越後" "エチゴ" "echigo") 1;
    "石川県" "金沢市" "920" "076" ["広岡", "本町", "此花町"] ("加賀" "カガ" "kaga") 1;
    "富山県" "富山市" "930" "076" ["桜町", "新富町", "総曲輪"] ("越中" "エッチュウ" "etchu") 1;
    "長野県" "長野市" "380" "026" ["南千歳", "中御所", "鶴賀"] ("信州" "シンシュウ" "shinshu") 1;
    "岐阜県" "岐阜市" "500" "058" ["橋本町", "神田町", "金町"] ("美濃" "ミノ" "mino") 1;
    "三重県" "津市" "514" "059" ["羽所町", "丸之内", "栄町"] ("伊勢" "イセ" "ise") 1;
    "広島県" "広島市中区" "730" "082" ["紙屋町", "八丁堀", "基町", "大手町"] ("広島" "ヒロシマ" "hiroshima") 2;
    "岡山県" "岡山市北区" "700" "086" ["本町", "駅前町", "磨屋町"] ("備前" "ビゼン" "bizen") 1;
    "香川県" "高松市" "760" "087" ["丸の内", "寿町", "紺屋町"] ("讃岐" "サヌキ" "sanuki") 1;
    "愛媛県" "松山市" "790" "089" ["千舟町", "三番町", "湊町"] ("伊予" "イヨ" "iyo") 1;
    "福岡県" "福岡市博多区" "812" "092" ["博多駅前", "博多駅東", "祇園町"] ("博多" "ハカタ" "hakata") 3;
    "福岡県" "福岡市中央区" "810" "092" ["天神", "大名", "舞鶴"] ("筑紫" "ツクシ" "tsukushi") 2;
    "福岡県" "北九州市小倉北区" "802" "093" ["浅野", "京町", "魚町"] ("小倉" "コクラ" "kokura") 1;
    "長崎県" "長崎市" "850" "095" ["大黒町", "万才町", "出島町"] ("長崎" "ナガサキ" "nagasaki") 1;
    "熊本県" "熊本市中央区" "860" "096" ["手取本町", "花畑町", "水道町"] ("肥後" "ヒゴ" "higo") 1;
    "大分県" "大分市" "870" "097" ["府内町", "中央町", "金池町"] ("豊後" "ブンゴ" "bungo") 1;
    "鹿児島県" "鹿児島市" "892" "099" ["中町", "山下町", "名山町"] ("薩摩" "サツマ" "satsuma") 1;
    "沖縄県" "那覇市" "900" "098" ["久茂地", "松山", "泉崎"] ("琉球" "リュウキュウ" "ryukyu") 1;
};

/// Auspicious, regional and katakana words that start company names.
const NAME_PREFIXES: &[Part] = &[
    ("東洋", "トウヨウ", "toyo"),
    ("日本", "ニホン", "nihon"),
    ("大和", "ヤマト", "yamato"),
    ("富士", "フジ", "fuji"),
    ("三和", "サンワ", "sanwa"),
    ("昭和", "ショウワ", "showa"),
    ("大成", "タイセイ", "taisei"),
    ("平和", "ヘイワ", "heiwa"),
    ("中央", "チュウオウ", "chuo"),
    ("関東", "カントウ", "kanto"),
    ("東海", "トウカイ", "tokai"),
    ("北陸", "ホクリク", "hokuriku"),
    ("九州", "キュウシュウ", "kyushu"),
    ("湘南", "ショウナン", "shonan"),
    ("武蔵", "ムサシ", "musashi"),
    ("相模", "サガミ", "sagami"),
    ("尾張", "オワリ", "owari"),
    ("大洋", "タイヨウ", "taiyo"),
    ("太平", "タイヘイ", "taihei"),
    ("日東", "ニットウ", "nitto"),
    ("日栄", "ニチエイ", "nichiei"),
    ("日進", "ニッシン", "nisshin"),
    ("共栄", "キョウエイ", "kyoei"),
    ("協和", "キョウワ", "kyowa"),
    ("新光", "シンコウ", "shinko"),
    ("三栄", "サンエイ", "sanei"),
    ("旭", "アサヒ", "asahi"),
    ("光", "ヒカリ", "hikari"),
    ("千代田", "チヨダ", "chiyoda"),
    ("浪速", "ナニワ", "naniwa"),
    ("京浜", "ケイヒン", "keihin"),
    ("阪神", "ハンシン", "hanshin"),
    ("北斗", "ホクト", "hokuto"),
    ("青葉", "アオバ", "aoba"),
    ("若葉", "ワカバ", "wakaba"),
    ("桜", "サクラ", "sakura"),
    ("東邦", "トウホウ", "toho"),
    ("東亜", "トウア", "toa"),
    ("大東", "ダイトウ", "daito"),
    ("栄光", "エイコウ", "eiko"),
    ("瑞穂", "ミズホ", "mizuho"),
    ("東和", "トウワ", "towa"),
    ("大同", "ダイドウ", "daido"),
    ("明治", "メイジ", "meiji"),
    ("大正", "タイショウ", "taisho"),
    ("昭栄", "ショウエイ", "shoei"),
    ("双葉", "フタバ", "futaba"),
    ("誠和", "セイワ", "seiwa"),
    ("信和", "シンワ", "shinwa"),
    ("太陽", "タイヨウ", "taiyo"),
    ("銀河", "ギンガ", "ginga"),
    ("北星", "ホクセイ", "hokusei"),
    ("富士見", "フジミ", "fujimi"),
    ("山王", "サンノウ", "sanno"),
    ("錦", "ニシキ", "nishiki"),
    ("丸和", "マルワ", "maruwa"),
    ("丸三", "マルサン", "marusan"),
    ("山一", "ヤマイチ", "yamaichi"),
    ("一光", "イッコウ", "ikko"),
    ("第一", "ダイイチ", "daiichi"),
    ("三共", "サンキョウ", "sankyo"),
    ("東光", "トウコウ", "toko"),
    ("東栄", "トウエイ", "toei"),
    ("西日本", "ニシニホン", "nishinihon"),
    ("東日本", "ヒガシニホン", "higashinihon"),
    ("北日本", "キタニホン", "kitanihon"),
    ("南海", "ナンカイ", "nankai"),
    ("新日本", "シンニホン", "shinnihon"),
    ("大栄", "ダイエイ", "daiei"),
    ("日之出", "ヒノデ", "hinode"),
    ("白山", "ハクサン", "hakusan"),
    ("高砂", "タカサゴ", "takasago"),
    ("三協", "サンキョウ", "sankyo"),
    ("大新", "ダイシン", "daishin"),
    ("光洋", "コウヨウ", "koyo"),
    ("天竜", "テンリュウ", "tenryu"),
    ("利根", "トネ", "tone"),
    ("北上", "キタカミ", "kitakami"),
    ("黒潮", "クロシオ", "kuroshio"),
    ("紀州", "キシュウ", "kishu"),
    ("アイ", "アイ", "ai"),
    ("エース", "エース", "ace"),
    ("サン", "サン", "sun"),
    ("テクノ", "テクノ", "techno"),
    ("グローバル", "グローバル", "global"),
    ("ネクスト", "ネクスト", "next"),
    ("ユニ", "ユニ", "uni"),
    ("アクア", "アクア", "aqua"),
    ("ライフ", "ライフ", "life"),
    ("ワールド", "ワールド", "world"),
    ("スター", "スター", "star"),
    ("ベスト", "ベスト", "best"),
    ("ミライ", "ミライ", "mirai"),
    ("リンク", "リンク", "link"),
    ("クリエイト", "クリエイト", "create"),
    ("ハーモニー", "ハーモニー", "harmony"),
    ("フロンティア", "フロンティア", "frontier"),
    ("パシフィック", "パシフィック", "pacific"),
    ("オリエント", "オリエント", "orient"),
    ("アース", "アース", "earth"),
    ("プライム", "プライム", "prime"),
    ("ジャパン", "ジャパン", "japan"),
    ("アルファ", "アルファ", "alpha"),
    ("シグマ", "シグマ", "sigma"),
];

/// How many family names (from the top of [`FAMILY_NAMES`]) also start company names.
const FAMILY_PREFIXES: usize = 60;

pub(crate) const INDUSTRIES: &[&str] = &[
    "製造業",
    "卸売業",
    "小売業",
    "建設業",
    "情報通信業",
    "不動産業",
    "医療・福祉",
    "運輸業",
    "サービス業",
    "飲食・宿泊業",
];

/// Words that end company names after an optional tail.
const NAME_TAILS: &[Part] = &[
    ("", "", ""),
    ("工業", "コウギョウ", "kogyo"),
    ("産業", "サンギョウ", "sangyo"),
    ("製作所", "セイサクショ", "seisakusho"),
    ("興業", "コウギョウ", "kogyo"),
    ("開発", "カイハツ", "kaihatsu"),
    ("サービス", "サービス", "service"),
    ("販売", "ハンバイ", "hanbai"),
    ("システム", "システム", "system"),
    ("工機", "コウキ", "koki"),
    ("建設", "ケンセツ", "kensetsu"),
    ("管理", "カンリ", "kanri"),
    ("運輸", "ウンユ", "unyu"),
    ("エンジニアリング", "エンジニアリング", "engineering"),
    ("ワークス", "ワークス", "works"),
    ("テック", "テック", "tech"),
    ("所", "ショ", "sho"),
];

/// The business word of a company name: (kanji, reading, romaji, industry, allowed tails).
type Word = (&'static str, &'static str, &'static str, usize, &'static [usize]);

const NAME_WORDS: &[Word] = &[
    ("精機", "セイキ", "seiki", 0, &[0, 1, 3]),
    ("電機", "デンキ", "denki", 0, &[0, 1, 2, 3]),
    ("化学", "カガク", "kagaku", 0, &[0, 1, 2]),
    ("精密", "セイミツ", "seimitsu", 0, &[0, 1, 3, 9]),
    ("技研", "ギケン", "giken", 0, &[0, 1]),
    ("金属", "キンゾク", "kinzoku", 0, &[0, 1, 2, 3]),
    ("電子", "デンシ", "denshi", 0, &[0, 1, 2, 13, 15]),
    ("機械", "キカイ", "kikai", 0, &[0, 1, 2, 3]),
    ("樹脂", "ジュシ", "jushi", 0, &[0, 1, 2]),
    ("鉄工", "テッコウ", "tekko", 0, &[0, 16]),
    ("製菓", "セイカ", "seika", 0, &[0, 2]),
    ("食品", "ショクヒン", "shokuhin", 0, &[0, 1, 2, 7]),
    ("製薬", "セイヤク", "seiyaku", 0, &[0, 1]),
    ("印刷", "インサツ", "insatsu", 0, &[0, 1, 2, 16]),
    ("繊維", "センイ", "seni", 0, &[0, 1, 2]),
    ("工業", "コウギョウ", "kogyo", 0, &[0]),
    ("製作所", "セイサクショ", "seisakusho", 0, &[0]),
    ("ゴム", "ゴム", "gomu", 0, &[0, 1, 2]),
    ("硝子", "ガラス", "glass", 0, &[0, 1]),
    ("商事", "ショウジ", "shoji", 1, &[0]),
    ("物産", "ブッサン", "bussan", 1, &[0]),
    ("商会", "ショウカイ", "shokai", 1, &[0]),
    ("通商", "ツウショウ", "tsusho", 1, &[0]),
    ("興産", "コウサン", "kosan", 1, &[0]),
    ("トレーディング", "トレーディング", "trading", 1, &[0]),
    ("産業", "サンギョウ", "sangyo", 1, &[0]),
    ("資材", "シザイ", "shizai", 1, &[0, 2, 7]),
    ("機材", "キザイ", "kizai", 1, &[0, 6, 7]),
    ("貿易", "ボウエキ", "boeki", 1, &[0]),
    ("商店", "ショウテン", "shoten", 2, &[0]),
    ("ストア", "ストア", "store", 2, &[0]),
    ("薬局", "ヤッキョク", "yakkyoku", 2, &[0]),
    ("書店", "ショテン", "shoten", 2, &[0]),
    ("マート", "マート", "mart", 2, &[0]),
    ("電器", "デンキ", "denki", 2, &[0, 6]),
    ("家具", "カグ", "kagu", 2, &[0, 7]),
    ("建設", "ケンセツ", "kensetsu", 3, &[0, 1, 4]),
    ("工務店", "コウムテン", "komuten", 3, &[0]),
    ("土木", "ドボク", "doboku", 3, &[0, 1, 10]),
    ("設備", "セツビ", "setsubi", 3, &[0, 1, 4, 6]),
    ("電設", "デンセツ", "densetsu", 3, &[0, 1]),
    ("ハウス", "ハウス", "house", 3, &[0]),
    ("建工", "ケンコウ", "kenko", 3, &[0]),
    ("塗装", "トソウ", "toso", 3, &[0, 1, 4]),
    ("住設", "ジュウセツ", "jusetsu", 3, &[0, 1]),
    ("システム", "システム", "system", 4, &[0, 5, 6, 13]),
    ("ソフト", "ソフト", "soft", 4, &[0, 5, 6, 14]),
    ("情報", "ジョウホウ", "joho", 4, &[0, 5, 6, 8]),
    ("データ", "データ", "data", 4, &[0, 6, 8]),
    ("ネット", "ネット", "net", 4, &[0, 6, 14]),
    ("テクノロジー", "テクノロジー", "technology", 4, &[0]),
    ("ソリューションズ", "ソリューションズ", "solutions", 4, &[0]),
    ("通信", "ツウシン", "tsushin", 4, &[0, 1, 6, 10]),
    ("デジタル", "デジタル", "digital", 4, &[0, 6, 14]),
    ("電算", "デンサン", "densan", 4, &[0, 6, 8]),
    ("コンピュータ", "コンピュータ", "computer", 4, &[0, 6, 8]),
    ("不動産", "フドウサン", "fudosan", 5, &[0, 7, 11]),
    ("地所", "ジショ", "jisho", 5, &[0]),
    ("住宅", "ジュウタク", "jutaku", 5, &[0, 2, 6, 7]),
    ("土地", "トチ", "tochi", 5, &[0, 11]),
    ("エステート", "エステート", "estate", 5, &[0]),
    ("ホーム", "ホーム", "home", 5, &[0, 6]),
    ("開発", "カイハツ", "kaihatsu", 5, &[0]),
    ("メディカル", "メディカル", "medical", 6, &[0, 6, 8]),
    ("ケア", "ケア", "care", 6, &[0, 6]),
    ("医療", "イリョウ", "iryo", 6, &[0, 6, 8]),
    ("ヘルスケア", "ヘルスケア", "healthcare", 6, &[0]),
    ("福祉", "フクシ", "fukushi", 6, &[0, 6]),
    ("介護", "カイゴ", "kaigo", 6, &[0, 6]),
    ("運輸", "ウンユ", "unyu", 7, &[0]),
    ("物流", "ブツリュウ", "butsuryu", 7, &[0, 6, 8]),
    ("運送", "ウンソウ", "unso", 7, &[0]),
    ("ロジスティクス", "ロジスティクス", "logistics", 7, &[0]),
    ("倉庫", "ソウコ", "soko", 7, &[0, 12]),
    ("急便", "キュウビン", "kyubin", 7, &[0]),
    ("海運", "カイウン", "kaiun", 7, &[0]),
    ("交通", "コウツウ", "kotsu", 7, &[0]),
    ("サービス", "サービス", "service", 8, &[0]),
    ("企画", "キカク", "kikaku", 8, &[0]),
    ("警備", "ケイビ", "keibi", 8, &[0, 6]),
    ("広告", "コウコク", "kokoku", 8, &[0]),
    ("コンサルティング", "コンサルティング", "consulting", 8, &[0]),
    ("人材", "ジンザイ", "jinzai", 8, &[0, 5, 6]),
    ("クリーン", "クリーン", "clean", 8, &[0, 6]),
    ("保険", "ホケン", "hoken", 8, &[0, 6]),
    ("フーズ", "フーズ", "foods", 9, &[0]),
    ("観光", "カンコウ", "kanko", 9, &[0, 4, 5]),
    ("ホテル", "ホテル", "hotel", 9, &[0]),
    ("食堂", "ショクドウ", "shokudo", 9, &[0]),
    ("フードサービス", "フードサービス", "foodservice", 9, &[0]),
    ("給食", "キュウショク", "kyushoku", 9, &[0, 6]),
];

/// Family names, most common first (the generator prefers the top of the list).
pub(crate) const FAMILY_NAMES: &[Part] = &[
    ("佐藤", "サトウ", "sato"),
    ("鈴木", "スズキ", "suzuki"),
    ("高橋", "タカハシ", "takahashi"),
    ("田中", "タナカ", "tanaka"),
    ("伊藤", "イトウ", "ito"),
    ("渡辺", "ワタナベ", "watanabe"),
    ("山本", "ヤマモト", "yamamoto"),
    ("中村", "ナカムラ", "nakamura"),
    ("小林", "コバヤシ", "kobayashi"),
    ("加藤", "カトウ", "kato"),
    ("吉田", "ヨシダ", "yoshida"),
    ("山田", "ヤマダ", "yamada"),
    ("佐々木", "ササキ", "sasaki"),
    ("山口", "ヤマグチ", "yamaguchi"),
    ("松本", "マツモト", "matsumoto"),
    ("井上", "イノウエ", "inoue"),
    ("木村", "キムラ", "kimura"),
    ("林", "ハヤシ", "hayashi"),
    ("斎藤", "サイトウ", "saito"),
    ("清水", "シミズ", "shimizu"),
    ("山崎", "ヤマザキ", "yamazaki"),
    ("森", "モリ", "mori"),
    ("池田", "イケダ", "ikeda"),
    ("橋本", "ハシモト", "hashimoto"),
    ("阿部", "アベ", "abe"),
    ("石川", "イシカワ", "ishikawa"),
    ("山下", "ヤマシタ", "yamashita"),
    ("中島", "ナカジマ", "nakajima"),
    ("石井", "イシイ", "ishii"),
    ("小川", "オガワ", "ogawa"),
    ("前田", "マエダ", "maeda"),
    ("岡田", "オカダ", "okada"),
    ("長谷川", "ハセガワ", "hasegawa"),
    ("藤田", "フジタ", "fujita"),
    ("後藤", "ゴトウ", "goto"),
    ("近藤", "コンドウ", "kondo"),
    ("村上", "ムラカミ", "murakami"),
    ("遠藤", "エンドウ", "endo"),
    ("青木", "アオキ", "aoki"),
    ("坂本", "サカモト", "sakamoto"),
    ("斉藤", "サイトウ", "saito"),
    ("福田", "フクダ", "fukuda"),
    ("太田", "オオタ", "ota"),
    ("西村", "ニシムラ", "nishimura"),
    ("藤井", "フジイ", "fujii"),
    ("金子", "カネコ", "kaneko"),
    ("岡本", "オカモト", "okamoto"),
    ("藤原", "フジワラ", "fujiwara"),
    ("中野", "ナカノ", "nakano"),
    ("三浦", "ミウラ", "miura"),
    ("原田", "ハラダ", "harada"),
    ("中川", "ナカガワ", "nakagawa"),
    ("松田", "マツダ", "matsuda"),
    ("竹内", "タケウチ", "takeuchi"),
    ("小野", "オノ", "ono"),
    ("田村", "タムラ", "tamura"),
    ("中山", "ナカヤマ", "nakayama"),
    ("和田", "ワダ", "wada"),
    ("石田", "イシダ", "ishida"),
    ("森田", "モリタ", "morita"),
    ("上田", "ウエダ", "ueda"),
    ("原", "ハラ", "hara"),
    ("柴田", "シバタ", "shibata"),
    ("酒井", "サカイ", "sakai"),
    ("工藤", "クドウ", "kudo"),
    ("横山", "ヨコヤマ", "yokoyama"),
    ("宮崎", "ミヤザキ", "miyazaki"),
    ("宮本", "ミヤモト", "miyamoto"),
    ("内田", "ウチダ", "uchida"),
    ("高木", "タカギ", "takagi"),
    ("安藤", "アンドウ", "ando"),
    ("谷口", "タニグチ", "taniguchi"),
    ("大野", "オオノ", "ono"),
    ("丸山", "マルヤマ", "maruyama"),
    ("今井", "イマイ", "imai"),
    ("河野", "コウノ", "kono"),
    ("藤本", "フジモト", "fujimoto"),
    ("村田", "ムラタ", "murata"),
    ("武田", "タケダ", "takeda"),
    ("上野", "ウエノ", "ueno"),
    ("杉山", "スギヤマ", "sugiyama"),
    ("増田", "マスダ", "masuda"),
    ("小島", "コジマ", "kojima"),
    ("久保", "クボ", "kubo"),
    ("松井", "マツイ", "matsui"),
    ("岩崎", "イワサキ", "iwasaki"),
    ("桜井", "サクライ", "sakurai"),
    ("木下", "キノシタ", "kinoshita"),
    ("野口", "ノグチ", "noguchi"),
    ("菊地", "キクチ", "kikuchi"),
];

/// Given names with their gender (true = female).
pub(crate) const GIVEN_NAMES: &[(&str, &str, &str, bool)] = &[
    ("太郎", "タロウ", "taro", false),
    ("一郎", "イチロウ", "ichiro", false),
    ("健太", "ケンタ", "kenta", false),
    ("翔太", "ショウタ", "shota", false),
    ("大輔", "ダイスケ", "daisuke", false),
    ("拓也", "タクヤ", "takuya", false),
    ("直樹", "ナオキ", "naoki", false),
    ("誠", "マコト", "makoto", false),
    ("浩", "ヒロシ", "hiroshi", false),
    ("隆", "タカシ", "takashi", false),
    ("健一", "ケンイチ", "kenichi", false),
    ("和也", "カズヤ", "kazuya", false),
    ("達也", "タツヤ", "tatsuya", false),
    ("聡", "サトシ", "satoshi", false),
    ("学", "マナブ", "manabu", false),
    ("修", "オサム", "osamu", false),
    ("剛", "ツヨシ", "tsuyoshi", false),
    ("亮", "リョウ", "ryo", false),
    ("大樹", "ダイキ", "daiki", false),
    ("翔", "ショウ", "sho", false),
    ("悠斗", "ユウト", "yuto", false),
    ("蓮", "レン", "ren", false),
    ("浩二", "コウジ", "koji", false),
    ("正樹", "マサキ", "masaki", false),
    ("秀樹", "ヒデキ", "hideki", false),
    ("博之", "ヒロユキ", "hiroyuki", false),
    ("花子", "ハナコ", "hanako", true),
    ("陽子", "ヨウコ", "yoko", true),
    ("恵子", "ケイコ", "keiko", true),
    ("美穂", "ミホ", "miho", true),
    ("由美", "ユミ", "yumi", true),
    ("智子", "トモコ", "tomoko", true),
    ("裕子", "ユウコ", "yuko", true),
    ("真由美", "マユミ", "mayumi", true),
    ("美咲", "ミサキ", "misaki", true),
    ("愛", "アイ", "ai", true),
    ("彩", "アヤ", "aya", true),
    ("麻衣", "マイ", "mai", true),
    ("さくら", "サクラ", "sakura", true),
    ("結衣", "ユイ", "yui", true),
    ("直美", "ナオミ", "naomi", true),
    ("明美", "アケミ", "akemi", true),
    ("香織", "カオリ", "kaori", true),
    ("沙織", "サオリ", "saori", true),
    ("千尋", "チヒロ", "chihiro", true),
    ("奈々", "ナナ", "nana", true),
];

const DEPARTMENTS: &[&str] = &[
    "営業部",
    "総務部",
    "購買部",
    "情報システム部",
    "経理部",
    "人事部",
    "製造部",
    "技術部",
    "経営企画部",
    "品質保証部",
    "資材部",
    "管理部",
];
const DEPARTMENT_WEIGHTS: &[u32] = &[14, 16, 12, 12, 8, 6, 8, 6, 8, 4, 3, 6];

/// Titles from the top; `""` is a plain staff member (no title).
const TITLES: &[&str] = &["取締役", "部長", "次長", "課長", "係長", "主任", ""];
const TITLE_WEIGHTS: &[u32] = &[4, 16, 6, 22, 14, 14, 24];

const TAGS: &[&str] = &[
    "重点顧客",
    "展示会",
    "紹介",
    "Web問い合わせ",
    "新規開拓",
    "既存深耕",
    "補助金対象",
    "DM送付済",
    "年賀状",
    "競合利用中",
];

const BANKS: &[&str] = &[
    "三菱UFJ銀行",
    "三井住友銀行",
    "みずほ銀行",
    "りそな銀行",
    "商工組合中央金庫",
    "日本政策金融公庫",
    "横浜銀行",
    "千葉銀行",
    "静岡銀行",
    "福岡銀行",
    "北洋銀行",
    "京都銀行",
    "広島銀行",
    "七十七銀行",
];

const BUSINESS: &[&[&str]] = &[
    &[
        "産業用機械部品の設計・製造",
        "精密金属加工、試作品の製作",
        "樹脂成形品の製造・販売",
        "電子部品の実装・検査",
        "食品(菓子・惣菜)の製造および卸売",
    ],
    &["産業資材・工具の卸売", "食品・飲料の卸売", "建築資材の販売", "医療機器・消耗品の卸売", "OA機器・事務用品の販売"],
    &[
        "地域密着型スーパーマーケットの運営",
        "調剤薬局の運営",
        "家電製品の販売・修理",
        "書籍・文具の販売",
        "ホームセンターの運営",
    ],
    &["一般住宅・店舗の設計施工", "電気設備工事", "土木工事・舗装工事", "空調・給排水衛生設備工事", "住宅リフォーム"],
    &[
        "業務システムの受託開発",
        "Webサイトの制作・運用",
        "ネットワークの構築・保守",
        "クラウドサービスの提供",
        "ITコンサルティング",
    ],
    &["賃貸マンションの管理・仲介", "オフィスビルの賃貸", "分譲住宅の企画・販売", "不動産売買の仲介"],
    &["介護施設(デイサービス)の運営", "医療機器の販売・保守", "訪問看護ステーションの運営", "クリニック向け経営支援"],
    &["一般貨物自動車運送", "倉庫・物流センターの運営", "引越し・配送サービス", "冷凍・冷蔵輸送"],
    &[
        "人材派遣・人材紹介",
        "ビルメンテナンス・清掃",
        "イベントの企画・運営",
        "広告代理・販促物の制作",
        "施設警備・交通誘導警備",
    ],
    &["和食レストランチェーンの運営", "ホテル・旅館の運営", "社員食堂・給食の受託運営"],
];

const TARGET_MARKETS: &[&str] = &[
    "県内の中堅製造業",
    "首都圏の中小企業",
    "自治体・公共機関",
    "大手メーカーの一次サプライヤー",
    "個人の顧客(地域住民)",
    "医療機関・介護施設",
    "全国の小売チェーン",
];

const FIRST_DEAL_TRIGGERS: &[&str] = &[
    "展示会で名刺交換したことがきっかけ。",
    "Webサイトからの資料請求。",
    "既存のお客様からのご紹介。",
    "DMへの反応があり、訪問につながった。",
    "前任者からの引き継ぎ(取引開始の経緯は不明)。",
    "セミナーにご参加いただいたのがきっかけ。",
];

const PURCHASE_PROCESSES: &[&str] = &[
    "担当者 → 課長 → 部長 → 社長決裁。100万円以上は取締役会に諮る。",
    "情報システム部で比較検討し、経営会議で決裁。",
    "購買部が相見積もりを取り、価格で決める傾向が強い。",
    "社長のトップダウン。現場の意見はあまり反映されない。",
    "稟議は電子化されており、決裁まで2週間程度。",
];

const MEETING_TIMINGS: &[&str] = &[
    "毎月第2火曜の経営会議",
    "毎週月曜の部長会",
    "四半期ごとの取締役会",
    "予算策定は1月、執行は4月から",
    "月末の役員会",
];

const CONCERNS: &[&str] = &[
    "現行システムの保守期限が来年3月に切れる",
    "月末の締め作業に時間がかかっている",
    "拠点間で在庫情報が共有できていない",
    "紙の出勤簿で集計ミスが多い",
    "複合機のリース満了が近い",
    "防犯カメラの台数を増やしたい",
    "電子帳簿保存法への対応が急務",
    "インボイス制度対応で請求書の発行が煩雑になった",
    "テレワーク時の勤怠把握に困っている",
    "情報システム担当が1名しかおらず、障害対応が負担",
];

const DECISIONS: &[&str] = &[
    "概算見積を来週中に提出する",
    "情報システム部同席でデモを実施する",
    "稟議用の比較資料を当社で用意する",
    "トライアル環境を2週間提供する",
    "現行契約の満了日を先方で確認いただく",
    "導入スケジュール案を当社から提示する",
    "先方の要件一覧を共有いただく",
];

const NEXT_ACTIONS: &[&str] = &[
    "見積書を持参して再訪問",
    "デモ実施",
    "稟議結果のご連絡をいただく",
    "役員向け説明会",
    "要件のすり合わせ",
    "導入スケジュールの確認",
];

/// (question, answer)
const INQUIRIES: &[(&str, &str, &str)] = &[
    (
        "料金体系について",
        "ユーザー数が増えた場合の料金体系を知りたい。",
        "1ユーザー単位で追加でき、月額は日割りで請求される旨を回答。料金表をメールで送付済み。",
    ),
    (
        "導入期間について",
        "導入までにどのくらい期間がかかるか。",
        "標準で契約から約1か月、データ移行がある場合は2か月程度と回答。",
    ),
    ("請求書の再発行", "先月分の請求書を再発行してほしい。", "経理担当に依頼し、PDFで再送付。原本は郵送で手配済み。"),
    (
        "CSV出力の文字化け",
        "CSVで出力した帳票をExcelで開くと文字化けする。",
        "Excelで開く際の文字コード指定を案内し解決。手順書を送付。",
    ),
    (
        "保守契約の範囲",
        "保守契約に訪問対応は含まれるか。",
        "平日9時〜18時の訪問対応は含まれる。夜間・休日はオプションと回答。",
    ),
    (
        "ログインできない",
        "パスワードを忘れてログインできない。",
        "管理者画面からのリセット手順を案内し、その場で解決。",
    ),
    ("補助金の対象か", "IT導入補助金の対象になるか。", "対象製品である旨を回答。申請スケジュールの資料を送付予定。"),
    (
        "データ移行について",
        "他社製品からのデータ移行は可能か。",
        "CSV形式であれば移行可能。移行支援サービス(有償)を案内した。",
    ),
];

/// (subject, content); `{c}` is the contact, `{p}` a product.
const CALLS: &[(&str, &str)] = &[
    ("アポイント調整", "{c}様に電話。来週の訪問アポイントを取得。"),
    ("見積フォロー", "提出した{p}の見積について確認。社内で検討中、月末に回答予定とのこと。"),
    ("ご挨拶", "新年度のご挨拶。担当交代の予定はなし。"),
    ("不在", "{c}様不在。折り返しをお願いした。"),
    ("契約更新の確認", "{p}の契約更新の意向を確認。継続予定とのこと。"),
    ("展示会のお礼", "展示会ご来場のお礼。資料送付のご了承をいただいた。"),
];

const VISITS: &[(&str, &str)] = &[
    ("定期訪問", "定期訪問。{c}様と近況について意見交換。今期の設備投資の予定はなし。"),
    ("新任のご挨拶", "新任の{c}様にご挨拶。前任からの引き継ぎ状況を確認した。"),
    ("納品立会い", "{p}の納品に立ち会い。設置・動作確認まで完了。"),
    ("年末のご挨拶", "カレンダーを持参して年末のご挨拶。{c}様より来期の予算感を伺った。"),
    ("デモ実施", "{p}のデモを実施。{c}様ほか2名が参加し、操作性の評価は高かった。"),
];

const EMAILS: &[(&str, &str)] = &[
    ("見積書送付", "{p}の見積書をPDFで送付。"),
    ("資料送付", "ご依頼のあった{p}の導入事例集を送付。"),
    ("お打ち合わせのお礼", "本日のお打ち合わせのお礼と、宿題事項の確認。"),
    ("セミナーのご案内", "オンラインセミナー「中小企業のDX入門」のご案内を送付。"),
    ("日程調整", "次回打ち合わせの候補日を3つ提示。"),
];

/// (info kind, content, how to use, to find out)
const INFO_REPORTS: &[(&str, &str, &str, &str)] = &[
    (
        "競合情報",
        "{x}の営業が頻繁に訪問しているらしい。大幅な値引きを提示されている模様。",
        "次回提案でサポート体制の差を強調する。",
        "提示された値引き率と決裁時期。",
    ),
    (
        "人事情報",
        "4月に{d}の部長が交代予定。後任は現課長が有力。",
        "後任候補に早めに面談を申し込む。",
        "正式な発令日と後任の方の関心事項。",
    ),
    ("設備投資", "来期に第二工場の建設を計画している。", "新拠点向けに{p}を提案する。", "着工時期と設備予算の規模。"),
    (
        "業績情報",
        "今期は増収増益の見込み。主力製品の受注が好調。",
        "予算に余裕がある今期中の提案を急ぐ。",
        "来期の予算編成の時期。",
    ),
    (
        "組織変更",
        "情報システム部が経営企画部に統合される予定。",
        "決裁ルートの変更を確認し、新しいキーマンを特定する。",
        "統合後の責任者と決裁権限。",
    ),
    ("予算情報", "来期のIT予算は今期比で約2割増の見込み。", "{p}の追加導入を提案する。", "予算の正式な承認時期。"),
];

const SOURCE_WHERE: &[&str] = &["先方オフィス", "展示会会場", "業界団体の懇親会", "電話", "取引先の紹介の場"];
const SOURCE_SITUATION: &[&str] =
    &["商談後の雑談で", "懇親会の席で", "電話の最後に", "受付での立ち話で", "会議の休憩中に"];
const SUPERVISOR_DECISIONS: &[&str] = &[
    "キーマンとの面談を設定すること。",
    "裏付けが取れるまで静観。",
    "至急、提案書を準備すること。部長同行で訪問する。",
    "競合対策として価格を再検討する。",
];

const CARD_PLACES: &[&str] = &[
    "先方オフィス",
    "当社ショールーム",
    "DX総合EXPO 東京",
    "ものづくりワールド 名古屋",
    "関西 オフィス防災EXPO",
    "商工会議所の交流会",
    "業界セミナー",
    "新年賀詞交歓会",
];
const CARD_CONTEXTS: &[&str] = &[
    "展示会ブースに来場。{p}に関心あり。",
    "初回訪問時にご挨拶。",
    "既存のご担当者の紹介で同席いただいた。",
    "セミナー後の懇親会で名刺交換。",
    "担当交代のご挨拶で名刺交換。",
];

const HOBBIES: &[&str] = &[
    "ゴルフ(ベスト90)",
    "釣り",
    "プロ野球観戦(阪神ファン)",
    "マラソン",
    "ワイン",
    "日本酒",
    "登山",
    "将棋",
    "家庭菜園",
    "サウナ",
    "キャンプ",
    "読書(歴史小説)",
];
const FAMILIES: &[&str] =
    &["奥様と娘さん2人。", "お子さんが今年大学受験。", "最近お孫さんが生まれた。", "単身赴任中。"];
const EDUCATIONS: &[&str] = &[
    "早稲田大学 商学部",
    "慶應義塾大学 経済学部",
    "明治大学 法学部",
    "大阪大学 工学部",
    "九州大学 経済学部",
    "東北大学 工学部",
    "日本大学 理工学部",
    "同志社大学 商学部",
    "名古屋大学 工学部",
    "北海道大学 農学部",
];
const RELATIONSHIPS: &[&str] =
    &["社長の甥にあたる。", "前職は同業の商社。", "業界団体の理事を務めている。", "当社の佐藤と大学の同期。"];
const CONTACT_MEMOS: &[&str] = &[
    "甘いものが好き。手土産は和菓子が喜ばれる。",
    "メールより電話の方が反応が早い。",
    "午前中は会議が多いので午後に連絡する。",
    "数字に細かい。提案書には根拠を必ず添える。",
    "前任の担当者とは折り合いが悪かった。",
    "決裁は実質この方が握っている。",
];

const TASK_TITLES: &[&str] = &[
    "見積書を作成して送付",
    "デモ環境の準備",
    "稟議用の比較資料を作成",
    "契約更新のご案内を送る",
    "訪問のお礼メールを送る",
    "導入スケジュール案の作成",
    "請求書の再発行手配",
    "キーマンとの面談を設定",
    "年末のご挨拶訪問",
    "保守契約の満了日を確認",
];

const LOST_REASONS: &[&str] = &[
    "競合の価格に負けた。",
    "予算が確保できず見送り。",
    "現行システムを継続利用することになった。",
    "決裁者の交代で白紙に戻った。",
    "機能要件(多言語対応)を満たせなかった。",
];

const OUR_DOMAIN: &str = "daifuku-shoji.co.jp";

/// The office: (family, given, reading, romaji family, given initial, owner weight, active).
const USERS: &[(&str, &str, &str, &str, &str, u32, bool)] = &[
    ("佐藤", "健一", "サトウ ケンイチ", "sato", "k", 5, true),
    ("鈴木", "美穂", "スズキ ミホ", "suzuki", "m", 18, true),
    ("高橋", "翔太", "タカハシ ショウタ", "takahashi", "s", 18, true),
    ("田中", "彩", "タナカ アヤ", "tanaka", "a", 16, true),
    ("伊藤", "大輔", "イトウ ダイスケ", "ito", "d", 16, true),
    ("渡辺", "陽子", "ワタナベ ヨウコ", "watanabe", "y", 4, true),
    ("山本", "拓也", "ヤマモト タクヤ", "yamamoto", "t", 17, true),
    ("中村", "直樹", "ナカムラ ナオキ", "nakamura", "n", 6, false),
];
/// The sales manager (joins important meetings, decides on reports).
const MANAGER: usize = 0;
/// The inside-sales person who answers most inquiries.
const INSIDE: usize = 5;

#[derive(Clone, Copy, PartialEq)]
enum Billing {
    /// A yearly contract (subscription or maintenance).
    Yearly,
    /// A lease over this many years.
    Lease(i64),
    /// Bought once, delivered.
    OneOff,
}

/// (name, reading, category, price, unit, billing, deal titles, description)
type OwnProduct =
    (&'static str, &'static str, &'static str, i64, &'static str, Billing, &'static [&'static str], &'static str);

const OWN_PRODUCTS: &[OwnProduct] = &[
    (
        "ダイフク勤怠クラウド",
        "ダイフクキンタイクラウド",
        "勤怠管理システム",
        400,
        "ユーザー/月",
        Billing::Yearly,
        &["勤怠管理のクラウド化", "勤怠クラウド導入"],
        "打刻・休暇申請・残業集計をクラウドで一元管理。スマートフォン打刻と給与ソフト連携に対応。",
    ),
    (
        "ダイフク販売管理 Pro",
        "ダイフクハンバイカンリプロ",
        "販売管理システム",
        1_200_000,
        "ライセンス",
        Billing::OneOff,
        &["販売管理システム刷新", "基幹システム入替"],
        "見積から受注・売上・請求・在庫までを一貫管理するパッケージ。インボイス制度対応。",
    ),
    (
        "業務用複合機 DF-5000",
        "ギョウムヨウフクゴウキディーエフゴセン",
        "複合機",
        980_000,
        "台",
        Billing::Lease(5),
        &["複合機入替", "複合機リース更新"],
        "毎分50枚のカラー複合機。クラウドストレージへの直接スキャンに対応。",
    ),
    (
        "ネットワーク保守サポート",
        "ネットワークホシュサポート",
        "保守サービス",
        30_000,
        "月",
        Billing::Yearly,
        &["ネットワーク保守契約", "社内LAN保守"],
        "社内ネットワーク機器の監視・障害対応・定期点検。平日9時〜18時の駆けつけ対応付き。",
    ),
    (
        "防犯カメラ SC-200",
        "ボウハンカメラエスシーニヒャク",
        "防犯機器",
        150_000,
        "台",
        Billing::OneOff,
        &["防犯カメラ増設", "店舗セキュリティ強化"],
        "屋外対応のフルHDネットワークカメラ。スマートフォンから録画を確認できる。",
    ),
    (
        "電子帳票ソリューション",
        "デンシチョウヒョウソリューション",
        "文書管理",
        50_000,
        "月",
        Billing::Yearly,
        &["電子帳簿保存法対応", "請求書の電子化"],
        "請求書・納品書を電子化して検索・保存。電子帳簿保存法の要件に対応。",
    ),
];

/// (name, reading, maker, price, competes with (own index), strengths, weaknesses)
const COMPETITORS: &[(&str, &str, &str, i64, usize, &str, &str)] = &[
    (
        "キンタイプラス",
        "キンタイプラス",
        "株式会社ネクストワークス",
        300,
        0,
        "月額が安く、初期費用が無料。",
        "サポートはメールのみ。給与ソフト連携が弱い。",
    ),
    (
        "販売革命",
        "ハンバイカクメイ",
        "光和システム株式会社",
        900_000,
        1,
        "業種別テンプレートが豊富。",
        "カスタマイズ費用が高額になりがち。",
    ),
    (
        "複合機 XR-7",
        "フクゴウキエックスアールセブン",
        "光洋電機株式会社",
        890_000,
        2,
        "知名度が高く、印刷速度が速い。",
        "保守拠点が少なく、地方では対応が遅い。",
    ),
    (
        "あんしんネット保守",
        "アンシンネットホシュ",
        "東和通信株式会社",
        25_000,
        3,
        "24時間の監視に対応。",
        "駆けつけ対応は別料金。",
    ),
    (
        "ガードアイ 4K",
        "ガードアイヨンケー",
        "株式会社セキュアビジョン",
        128_000,
        4,
        "4K画質で価格も安い。",
        "設置工事は別業者の手配が必要。",
    ),
    (
        "帳票クラウド Lite",
        "チョウヒョウクラウドライト",
        "合同会社ペーパーレス",
        30_000,
        5,
        "小規模向けで導入が簡単。",
        "取引先が多いと上位プランが必要になる。",
    ),
];

/// Comparison criteria; own products score (own, competitor) around these.
const CRITERIA: &[&str] = &["価格", "品質", "知名度", "サポート"];

const TEMPLATES: &[(&str, &str, &str)] = &[
    (
        "商談議事録",
        "meeting",
        "## 日時・場所\n- \n\n## 出席者\n- 先方: \n- 当社: \n\n## 議題\n1. \n\n## 内容\n- \n\n## 決定事項\n- \n\n## 次回\n- 日時: \n- 宿題: \n",
    ),
    (
        "問い合わせ対応",
        "inquiry",
        "## 問い合わせ内容\n- \n\n## 回答\n- \n\n## 対応者・対応日時\n- \n\n## 追加対応\n- [ ] \n",
    ),
    (
        "情報メモ",
        "info_report",
        "## 情報の内容\n- \n\n## 情報源\n- 誰から: \n- どこで: \n- どんな状況で: \n\n## 事実か推測か\n- \n\n## 活用方法\n- \n\n## 次に集める情報\n- \n",
    ),
];

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => unreachable!("records are built from json objects"),
    }
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn weekday_ja(d: NaiveDate) -> &'static str {
    ["月", "火", "水", "木", "金", "土", "日"][d.weekday().num_days_from_monday() as usize]
}

/// The date itself on a weekday, else the Friday before.
fn on_weekday(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d - Duration::days(1),
        Weekday::Sun => d - Duration::days(2),
        _ => d,
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

fn fill(template: &str, contact: &str, product: &str) -> String {
    template.replace("{c}", contact).replace("{p}", product)
}

// ---------------------------------------------------------------------------
// The generator
// ---------------------------------------------------------------------------

struct UserInfo {
    id: String,
    name: String,
    weight: u32,
    left_on: Option<NaiveDate>,
}

struct ProductInfo {
    id: String,
    name: &'static str,
    price: i64,
    billing: Billing,
}

struct ContactInfo {
    id: String,
    family: &'static str,
    department: Option<&'static str>,
    title: Option<&'static str>,
}

struct DealInfo {
    id: String,
    stage: &'static str,
    product: usize,
}

/// One company of the chunk being written, with what its children need.
struct Co {
    idx: usize,
    id: String,
    name: String,
    status: &'static str,
    owner: usize,
    industry: usize,
    size: usize,
    employees: i64,
    area: &'static str,
    exchange: String,
    domain: String,
    representative: Option<(usize, usize)>,
    contacts: Vec<ContactInfo>,
    deals: Vec<DealInfo>,
    activities: Vec<String>,
}

/// What a record of a batch is, so its id can be handed back.
enum Slot {
    None,
    Contact(usize, usize),
    Deal(usize, usize),
    Activity(usize),
}

#[derive(Default)]
struct Batch {
    records: Vec<(Kind, Map<String, Value>)>,
    slots: Vec<Slot>,
}

impl Batch {
    fn push(&mut self, kind: Kind, fields: Value, slot: Slot) {
        self.records.push((kind, obj(fields)));
        self.slots.push(slot);
    }
}

struct Gen {
    rng: ChaCha8Rng,
    today: NaiveDate,
    stats: GenStats,
    users: Vec<UserInfo>,
    products: Vec<ProductInfo>,
    templates: Vec<String>,
    company_ids: Vec<String>,
    /// Word × tail combinations of company names.
    combos: Vec<(usize, usize)>,
    name_mul: u64,
    name_off: u64,
    /// Customers of the first chunk shown in case studies: (id, industry, size, product).
    showcase: Vec<(String, String, usize, usize)>,
    forced_expiry: bool,
    forced_today: bool,
    forced_overdue: bool,
}

impl Gen {
    fn new(seed: u64, today: NaiveDate) -> Gen {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let combos: Vec<(usize, usize)> =
            NAME_WORDS.iter().enumerate().flat_map(|(w, word)| word.4.iter().map(move |t| (w, *t))).collect();
        let base = Self::prefix_count() as u64 * combos.len() as u64;
        // A multiplier near the golden ratio of the base spreads consecutive
        // companies over the name space; coprime, so names repeat only after
        // `base` companies (and then get a regional lead).
        let mut name_mul = (base as f64 * 0.618_034) as u64 | 1;
        while gcd(name_mul, base) != 1 {
            name_mul += 2;
        }
        let name_off = rng.random_range(0..base);
        Gen {
            rng,
            today,
            stats: GenStats::default(),
            users: Vec::new(),
            products: Vec::new(),
            templates: Vec::new(),
            company_ids: Vec::new(),
            combos,
            name_mul,
            name_off,
            showcase: Vec::new(),
            forced_expiry: false,
            forced_today: false,
            forced_overdue: false,
        }
    }

    fn prefix_count() -> usize {
        NAME_PREFIXES.len() + FAMILY_PREFIXES
    }

    fn prefix(i: usize) -> Part {
        if i < NAME_PREFIXES.len() {
            NAME_PREFIXES[i]
        } else {
            FAMILY_NAMES[i - NAME_PREFIXES.len()]
        }
    }

    // --- random helpers ---

    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        self.rng.random_range(lo..=hi)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.random_range(0..items.len())]
    }

    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut r = self.rng.random_range(0..total);
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }

    /// A family name, common ones more often.
    fn family(&mut self) -> usize {
        let u: f64 = self.rng.random();
        ((u * u) * FAMILY_NAMES.len() as f64) as usize
    }

    fn given(&mut self, female: Option<bool>) -> usize {
        let female = female.unwrap_or_else(|| self.chance(0.3));
        let (lo, hi) = if female { (26, GIVEN_NAMES.len()) } else { (0, 26) };
        self.rng.random_range(lo..hi)
    }

    fn days_ago(&mut self, lo: i64, hi: i64) -> NaiveDate {
        let n = self.range(lo, hi);
        self.today - Duration::days(n)
    }

    /// A business-hours date-time, sent as `YYYY-MM-DD HH:MM` (validation
    /// stores it as `YYYY-MM-DDTHH:MM`).
    fn datetime(&mut self, d: NaiveDate) -> String {
        let h = self.range(9, 18);
        let m = self.range(0, 11) * 5;
        format!("{} {h:02}:{m:02}", ymd(d))
    }

    fn owner(&mut self) -> usize {
        let weights: Vec<u32> = self.users.iter().map(|u| u.weight).collect();
        self.weighted(&weights)
    }

    /// The owner if they were still here on `on`, else an active colleague.
    fn attendee(&mut self, owner: usize, on: NaiveDate) -> usize {
        match self.users[owner].left_on {
            Some(left) if on >= left => self.active_user(),
            _ => owner,
        }
    }

    fn active_user(&mut self) -> usize {
        loop {
            let u = self.rng.random_range(0..self.users.len());
            if self.users[u].left_on.is_none() && u != INSIDE {
                return u;
            }
        }
    }

    fn phone_local(&mut self, area: &str) -> (String, String) {
        let digits = 10 - area.len();
        let exchange_len = digits - 4;
        // Only numbers that can exist (validation refuses the others, e.g.
        // 011-9xx-xxxx) and that are stored as written (019-4xx is 0194-xx).
        for _ in 0..10_000 {
            let first = self.range(2, 9);
            let rest = if exchange_len > 1 { self.range(0, 10i64.pow(exchange_len as u32 - 1) - 1) } else { 0 };
            let exchange = format!("{first}{rest:0width$}", width = exchange_len.saturating_sub(1));
            let line = self.range(0, 9999);
            let written = format!("{area}-{exchange}-{line:04}");
            if daifuku::phone::parse_number(&written).is_ok_and(|n| n.formatted == written) {
                return (exchange, format!("{line:04}"));
            }
        }
        panic!("no valid phone number with the area code {area}")
    }

    fn mobile(&mut self) -> String {
        let head = self.pick(&["090", "080", "070"]);
        let a = self.range(1000, 9999);
        let b = self.range(0, 9999);
        format!("{head}-{a}-{b:04}")
    }

    /// Writes a batch; returns each record's slot with its new id.
    fn write(&mut self, store: &mut Store, ctx: &Ctx, batch: Batch) -> daifuku::Result<Vec<(Slot, String)>> {
        if batch.records.is_empty() {
            return Ok(Vec::new());
        }
        let ids = store.create_many(ctx, &batch.records)?;
        for (kind, _) in &batch.records {
            self.stats.add(*kind);
        }
        Ok(batch.slots.into_iter().zip(ids).collect())
    }

    // --- once: users, templates, products ---

    fn setup(&mut self, store: &mut Store, ctx: &Ctx) -> daifuku::Result<()> {
        let mut b = Batch::default();
        for (family, given, reading, ro, initial, _, active) in USERS {
            let left_on = (!active).then(|| ymd(self.today - Duration::days(120)));
            b.push(
                Kind::User,
                json!({
                    "name": format!("{family} {given}"),
                    "name_reading": reading,
                    "email": format!("{initial}.{ro}@{OUR_DOMAIN}"),
                    "active": active,
                    "left_on": left_on,
                }),
                Slot::None,
            );
        }
        for (name, kind, body) in TEMPLATES {
            b.push(Kind::NoteTemplate, json!({"name": name, "activity_kind": kind, "body": body}), Slot::None);
        }
        for (name, reading, category, price, unit, _, _, description) in OWN_PRODUCTS {
            b.push(
                Kind::Product,
                json!({
                    "name": name,
                    "name_reading": reading,
                    "side": "own",
                    "maker": "大福商事株式会社",
                    "category": category,
                    "price": price,
                    "unit": unit,
                    "description": description,
                    "strengths": "導入から運用まで自社の担当者が一貫してサポート。地域の拠点から当日訪問できる。",
                    "weaknesses": "価格は競合より高め。大企業向けの機能は限定的。",
                    "website": format!("https://www.{OUR_DOMAIN}/products/"),
                }),
                Slot::None,
            );
        }
        let ids: Vec<String> = self.write(store, ctx, b)?.into_iter().map(|(_, id)| id).collect();
        for (i, (family, given, _, _, _, weight, _)) in USERS.iter().enumerate() {
            self.users.push(UserInfo {
                id: ids[i].clone(),
                name: format!("{family} {given}"),
                weight: *weight,
                left_on: (!USERS[i].6).then(|| self.today - Duration::days(120)),
            });
        }
        let t0 = USERS.len();
        self.templates = ids[t0..t0 + TEMPLATES.len()].to_vec();
        let p0 = t0 + TEMPLATES.len();
        for (i, p) in OWN_PRODUCTS.iter().enumerate() {
            self.products.push(ProductInfo { id: ids[p0 + i].clone(), name: p.0, price: p.3, billing: p.5 });
        }

        let mut b = Batch::default();
        for (name, reading, maker, price, vs, strengths, weaknesses) in COMPETITORS {
            b.push(
                Kind::Product,
                json!({
                    "name": name,
                    "name_reading": reading,
                    "side": "competitor",
                    "maker": maker,
                    "category": OWN_PRODUCTS[*vs].2,
                    "price": price,
                    "unit": OWN_PRODUCTS[*vs].4,
                    "competes_with_id": self.products[*vs].id,
                    "strengths": strengths,
                    "weaknesses": weaknesses,
                }),
                Slot::None,
            );
        }
        let competitor_ids: Vec<String> = self.write(store, ctx, b)?.into_iter().map(|(_, id)| id).collect();

        // Comparison scores on a 5-point scale: own products win on quality
        // and support, competitors on price and name recognition.
        let own_ids: Vec<String> = self.products.iter().map(|p| p.id.clone()).collect();
        let mut b = Batch::default();
        for (i, own) in own_ids.into_iter().enumerate() {
            let pairs = [(own, [3, 5, 3, 5], "自社"), (competitor_ids[i].clone(), [5, 3, 4, 2], "競合")];
            for (id, base, side) in pairs {
                for (c, criterion) in CRITERIA.iter().enumerate() {
                    let jitter = self.range(-1, 0);
                    let score = (base[c] + jitter).clamp(1, 5);
                    let notes = match (side, *criterion) {
                        ("自社", "サポート") => Some("地域拠点からの駆けつけ対応が評価されている。"),
                        ("競合", "価格") => Some("値引きが大きく、価格では不利。"),
                        (_, "知名度") if side == "競合" => Some("テレビCMの影響で指名検索が多い。"),
                        _ => None,
                    };
                    b.push(
                        Kind::ProductScore,
                        json!({"product_id": id, "criterion": criterion, "scale": "5", "score": score, "notes": notes}),
                        Slot::None,
                    );
                }
            }
        }
        self.write(store, ctx, b)?;
        Ok(())
    }

    // --- per chunk ---

    fn chunk(
        &mut self,
        store: &mut Store,
        ctx: &Ctx,
        start: usize,
        end: usize,
        customers_only: bool,
    ) -> daifuku::Result<()> {
        // 1. Companies.
        let mut cos = Vec::with_capacity(end - start);
        let mut b = Batch::default();
        for idx in start..end {
            let (co, fields) = self.company(idx);
            cos.push(co);
            b.push(Kind::Company, fields, Slot::None);
        }
        for (co, (_, id)) in cos.iter_mut().zip(self.write(store, ctx, b)?) {
            co.id = id.clone();
            self.company_ids.push(id);
        }

        // 2. Contacts, financials, relations.
        let mut b = Batch::default();
        for (ci, co) in cos.iter_mut().enumerate() {
            self.contacts(co, ci, &mut b);
            self.financials(co, &mut b);
            self.relations(co, &mut b);
        }
        for (slot, id) in self.write(store, ctx, b)? {
            if let Slot::Contact(ci, k) = slot {
                cos[ci].contacts[k].id = id;
            }
        }

        if customers_only {
            return Ok(());
        }

        // 3. Deals and business-card exchanges.
        let mut b = Batch::default();
        for (ci, co) in cos.iter_mut().enumerate() {
            self.deals(co, ci, &mut b);
            self.card_exchanges(co, &mut b);
        }
        for (slot, id) in self.write(store, ctx, b)? {
            if let Slot::Deal(ci, k) = slot {
                cos[ci].deals[k].id = id;
            }
        }

        // 4. Activities and purchases.
        let mut b = Batch::default();
        for (ci, co) in cos.iter().enumerate() {
            self.activities(co, ci, &mut b);
            self.purchases(co, &mut b);
        }
        for (slot, id) in self.write(store, ctx, b)? {
            if let Slot::Activity(ci) = slot {
                cos[ci].activities.push(id);
            }
        }

        // 5. Tasks.
        let mut b = Batch::default();
        for co in &cos {
            self.tasks(co, &mut b);
        }
        self.write(store, ctx, b)?;

        if self.showcase.is_empty() {
            for co in cos.iter().filter(|c| c.status == "customer").take(4) {
                let product = co.idx % OWN_PRODUCTS.len();
                self.showcase.push((co.id.clone(), INDUSTRIES[co.industry].to_string(), co.size, product));
            }
        }
        Ok(())
    }

    fn company(&mut self, idx: usize) -> (Co, Value) {
        // The name: a bijection of the index over prefix × word × tail, with
        // a regional lead once the base combinations are used up.
        let p = Self::prefix_count() as u64;
        let base = p * self.combos.len() as u64;
        let i = idx as u64;
        let j = (self.name_mul.wrapping_mul(i % base) % base + self.name_off) % base;
        let cycle = i / base;
        let prefix = Self::prefix((j % p) as usize);
        let (w, t) = self.combos[(j / p) as usize];
        let word = NAME_WORDS[w];
        let tail = NAME_TAILS[t];
        let rows = ADDRESS_ROWS.len() as u64;
        let row_i = if cycle == 0 {
            let weights: Vec<u32> = ADDRESS_ROWS.iter().map(|r| r.weight).collect();
            self.weighted(&weights)
        } else {
            ((j * 31 + cycle - 1) % rows) as usize
        };
        let row = &ADDRESS_ROWS[row_i];
        let lead: Part = if cycle == 0 { ("", "", "") } else { row.lead };
        let core = format!("{}{}{}{}", lead.0, prefix.0, word.0, tail.0);
        let reading = format!("{}{}{}{}", lead.1, prefix.1, word.1, tail.1);
        let designator = self.weighted(&[48, 30, 14, 8]);
        let name = match designator {
            0 => format!("{core}株式会社"),
            1 => format!("株式会社{core}"),
            2 => format!("有限会社{core}"),
            _ => format!("合同会社{core}"),
        };
        let romaji: Vec<&str> = [lead.2, prefix.2, word.2, tail.2].into_iter().filter(|s| !s.is_empty()).collect();
        let tld = if designator == 3 { "jp" } else { "co.jp" };
        let domain = format!("{}.{tld}", romaji.join("-"));
        let industry = word.3;

        let status = model::COMPANY_STATUS[self.weighted(&[40, 40, 12, 8])];
        let rank = if self.chance(0.85) {
            let w: &[u32] = match status {
                "customer" => &[25, 45, 30],
                "prospect" => &[10, 30, 60],
                _ => &[5, 25, 70],
            };
            Some(["A", "B", "C"][self.weighted(w)])
        } else {
            None
        };
        let owner = self.owner();

        let size = if designator >= 2 { self.weighted(&[60, 40]) } else { self.weighted(&[18, 45, 25, 9, 3]) };
        let employees = match size {
            0 => self.range(1, 9),
            1 => self.range(10, 99),
            2 => self.range(100, 499),
            3 => self.range(500, 4999),
            _ => self.range(5000, 30000),
        };
        let capital_m = match size {
            0 => self.range(1, 10),
            1 => self.range(10, 50),
            2 => self.range(30, 300),
            3 => self.range(100, 3000),
            _ => self.range(1000, 50000),
        };

        let corporate_number = if self.chance(0.7) {
            let office = self.range(1, 47) * 100 + self.range(1, 20);
            let serial = self.range(0, 999_999);
            let base = format!("{office:04}{:02}{serial:06}", designator.min(2) + 1);
            Some(format!("{}{base}", corporate_check_digit(&base)))
        } else {
            None
        };

        let postal = format!("{}-{:04}", row.postal, self.range(1, 8999));
        let town = self.pick(row.towns);
        let street = if self.chance(0.7) {
            format!("{town}{}-{}-{}", self.range(1, 5), self.range(1, 30), self.range(1, 20))
        } else {
            format!("{town}{}-{}", self.range(1, 9), self.range(1, 40))
        };
        let building = if self.chance(0.45) {
            let floor = self.range(1, 12);
            let fam = FAMILY_NAMES[self.family()].0;
            let b = match self.range(0, 4) {
                0 => format!("{town}センタービル"),
                1 => format!("第{}{fam}ビル", self.range(1, 5)),
                2 => format!("{}ビル", prefix.0),
                3 => format!("{town}スクエア"),
                _ => format!("{town}ビジネスタワー"),
            };
            Some(if self.chance(0.5) { format!("{b} {floor}F") } else { format!("{b} {floor}階") })
        } else {
            None
        };
        let address_status = ["ok", "moved", "bounced"][self.weighted(&[95, 3, 2])];
        let (exchange, line) = self.phone_local(row.area);
        let phone = format!("{}-{exchange}-{line}", row.area);
        let fax = if self.chance(0.6) {
            let l = (line.parse::<u32>().unwrap_or(0) + 1) % 10000;
            Some(format!("{}-{exchange}-{l:04}", row.area))
        } else {
            None
        };
        let email = if self.chance(0.5) {
            Some(format!("{}@{domain}", self.pick(&["info", "contact", "sales"])))
        } else {
            None
        };
        let website = self.chance(0.75).then(|| format!("https://www.{domain}/"));
        let mut sns = Vec::new();
        if self.chance(0.08) {
            sns.push(json!({"service": "X", "account": format!("@{}", romaji.join("_"))}));
        }
        if self.chance(0.04) {
            sns.push(
                json!({"service": "Facebook", "account": format!("https://www.facebook.com/{}", romaji.join(""))}),
            );
        }

        let representative = if self.chance(0.9) {
            let female = self.chance(0.1);
            let g = self.given(Some(female));
            Some((self.family(), g))
        } else {
            None
        };
        let rep_name = representative.map(|(f, g)| format!("{} {}", FAMILY_NAMES[f].0, GIVEN_NAMES[g].0));
        let rep_title = representative.map(|_| match designator {
            2 => "取締役",
            3 => "代表社員",
            _ if size >= 3 => "代表取締役社長",
            _ => "代表取締役",
        });
        let founded_year = match designator {
            2 => self.range(1960, 2005),
            3 => self.range(2007, self.today.year() as i64 - 1),
            _ => self.range(1946, self.today.year() as i64 - 2),
        };
        let founded = format!("{founded_year}-{:02}-{:02}", self.range(1, 12), self.range(1, 28));
        let history = self.chance(0.2).then(|| {
            let y2 = (founded_year + self.range(5, 30)).min(self.today.year() as i64 - 1);
            let other = ADDRESS_ROWS[self.range(0, ADDRESS_ROWS.len() as i64 - 1) as usize].lead.0;
            format!(
                "- {founded_year}年 {}{}にて創業\n- {y2}年 本社を{town}に移転\n- {}年 {other}営業所を開設",
                row.pref,
                row.city,
                (y2 + self.range(1, 10)).min(self.today.year() as i64)
            )
        });
        let officers = (self.chance(0.1) && rep_name.is_some()).then(|| {
            let f1 = FAMILY_NAMES[self.family()].0;
            let f2 = FAMILY_NAMES[self.family()].0;
            format!(
                "{} {}\n取締役 {f1}\n監査役 {f2}",
                rep_title.unwrap_or("代表取締役"),
                rep_name.clone().unwrap_or_default()
            )
        });
        let average_age = self.chance(0.6).then(|| self.range(320, 480) as f64 / 10.0);
        let female_ratio = self.chance(0.4).then(|| {
            let (lo, hi) = match industry {
                0 | 3 | 7 => (50, 250),
                6 => (400, 800),
                _ => (200, 600),
            };
            self.range(lo, hi) as f64 / 10.0
        });
        let sites = self.chance(0.5).then(|| match size {
            0 => self.range(1, 2),
            1 => self.range(1, 8),
            2 => self.range(3, 20),
            3 => self.range(10, 80),
            _ => self.range(30, 300),
        });
        let associations: Vec<&str> = if self.chance(0.15) {
            vec![self.pick(&["商工会議所", "中小企業家同友会", "法人会", "工業会", "青年会議所"])]
        } else {
            vec![]
        };
        let business = self.pick(BUSINESS[industry]);
        let market_position =
            self.chance(0.15).then(|| format!("{}内の同業では売上高で上位{}社に入る。", row.pref, self.range(3, 10)));
        let target_market = self.chance(0.2).then(|| self.pick(TARGET_MARKETS));
        let reputation = self.chance(0.1).then(|| {
            self.pick(&[
                "納期を守る堅実な会社との評判。",
                "若手が多く、新しいことに積極的。",
                "老舗で地元の信用が厚い。",
                "価格にはシビアだが、一度決めると長く付き合う。",
            ])
        });
        let first_deal_trigger = (status == "customer" && self.chance(0.4)).then(|| self.pick(FIRST_DEAL_TRIGGERS));
        let fiscal_month = self
            .chance(0.8)
            .then(|| [3, 12, 9, 6, 5, 8, 10, 1, 2, 4, 7, 11][self.weighted(&[55, 15, 8, 6, 3, 3, 2, 2, 2, 2, 1, 1])]);
        let banks: Vec<&str> = {
            let n = self.weighted(&[40, 35, 20, 5]);
            let mut v = Vec::new();
            for _ in 0..n {
                let bank = self.pick(BANKS);
                if !v.contains(&bank) {
                    v.push(bank);
                }
            }
            v
        };
        let purchase_process = self.chance(0.25).then(|| self.pick(PURCHASE_PROCESSES));
        let meeting_timing = self.chance(0.2).then(|| self.pick(MEETING_TIMINGS));
        let (credit_score, credit_source, credit_date) = if self.chance(0.5) {
            (
                Some(self.range(38, 78)),
                Some(self.pick(&["帝国データバンク", "東京商工リサーチ"])),
                Some(ymd(self.days_ago(10, 700))),
            )
        } else {
            (None, None, None)
        };
        let notes = self.chance(0.1).then(|| {
            self.pick(&[
                "駐車場なし。訪問時は近くのコインパーキングを利用。",
                "受付は2階。入館証が必要。",
                "毎年8月中旬は夏季休業。",
                "請求書は郵送不可、メールでの送付を希望。",
            ])
        });
        let mut tags: Vec<&str> = Vec::new();
        for _ in 0..self.weighted(&[45, 35, 15, 5]) {
            let tag = self.pick(TAGS);
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        if rank == Some("A") && status == "customer" && !tags.contains(&"重点顧客") {
            tags.push("重点顧客");
        }

        let fields = json!({
            "code": format!("C{:06}", idx + 1),
            "name": name,
            "name_reading": reading,
            "corporate_number": corporate_number,
            "status": status,
            "rank": rank,
            "owner_id": self.users[owner].id,
            "tags": tags,
            "postal_code": postal,
            "prefecture": row.pref,
            "city": row.city,
            "street": street,
            "building": building,
            "address_status": address_status,
            "phone": phone,
            "fax": fax,
            "email": email,
            "website": website,
            "sns": sns,
        });
        // Two halves: one `json!` of all fields overflows the macro recursion limit.
        let rest = json!({
            "representative": rep_name,
            "representative_title": rep_title,
            "founded": founded,
            "history": history,
            "employees": employees,
            "average_age": average_age,
            "female_ratio": female_ratio,
            "officers": officers,
            "sites": sites,
            "associations": associations,
            "industry": INDUSTRIES[industry],
            "business_description": business,
            "market_position": market_position,
            "target_market": target_market,
            "reputation": reputation,
            "first_deal_trigger": first_deal_trigger,
            "capital": capital_m * 1_000_000,
            "fiscal_month": fiscal_month,
            "banks": banks,
            "purchase_process": purchase_process,
            "meeting_timing": meeting_timing,
            "credit_score": credit_score,
            "credit_source": credit_source,
            "credit_date": credit_date,
            "notes": notes,
        });
        let mut fields = fields;
        if let (Some(m), Value::Object(r)) = (fields.as_object_mut(), rest) {
            m.extend(r);
        }
        let co = Co {
            idx,
            id: String::new(),
            name,
            status,
            owner,
            industry,
            size,
            employees,
            area: row.area,
            exchange,
            domain,
            representative,
            contacts: Vec::new(),
            deals: Vec::new(),
            activities: Vec::new(),
        };
        (co, fields)
    }

    fn contacts(&mut self, co: &mut Co, ci: usize, b: &mut Batch) {
        let n = 1 + self.weighted(&[15, 20, 30, 20, 15]);
        for k in 0..n {
            // Small companies: the first contact is often the representative.
            let is_rep = k == 0 && co.size <= 1 && co.representative.is_some() && self.chance(0.5);
            let (fi, gi) = if is_rep { co.representative.unwrap_or((0, 0)) } else { (self.family(), self.given(None)) };
            let family = FAMILY_NAMES[fi];
            let given = GIVEN_NAMES[gi];
            let (department, title) = if is_rep {
                (None, Some("代表取締役"))
            } else {
                let d = DEPARTMENTS[self.weighted(DEPARTMENT_WEIGHTS)];
                let t = TITLES[self.weighted(TITLE_WEIGHTS)];
                let t = if t == "取締役" && co.size == 0 { "部長" } else { t };
                (Some(d), (!t.is_empty()).then_some(t))
            };
            let role = if self.chance(0.15) {
                None
            } else {
                Some(match title {
                    Some("代表取締役") | Some("取締役") => "decision_maker",
                    Some("部長") => {
                        if self.chance(0.6) {
                            "decision_maker"
                        } else {
                            "influencer"
                        }
                    }
                    Some("次長") | Some("課長") => {
                        ["influencer", "decision_maker", "user"][self.weighted(&[70, 10, 20])]
                    }
                    _ if department == Some("総務部") => "gatekeeper",
                    _ => ["user", "gatekeeper", "influencer"][self.weighted(&[60, 20, 20])],
                })
            };
            let importance = match role {
                Some("decision_maker") => self.range(4, 5),
                Some("influencer") => self.range(3, 4),
                _ => self.range(1, 3),
            };
            let email = self.chance(0.85).then(|| format!("{}.{}@{}", &given.2[..1], family.2, co.domain));
            let phone = self.chance(0.45).then(|| {
                let line = self.range(0, 9999);
                format!("{}-{}-{line:04}", co.area, co.exchange)
            });
            let mobile = self.chance(0.6).then(|| self.mobile());
            let birthday = self
                .chance(0.15)
                .then(|| format!("{}-{:02}-{:02}", self.range(1960, 2000), self.range(1, 12), self.range(1, 28)));
            let gender = self.chance(0.8).then_some(if given.3 { "female" } else { "male" });
            let owner = if self.chance(0.9) { co.owner } else { self.owner() };
            let mut tags: Vec<&str> = Vec::new();
            if role == Some("decision_maker") && self.chance(0.3) {
                tags.push("キーマン");
            }
            if self.chance(0.08) {
                tags.push(self.pick(&["年賀状", "展示会来場", "セミナー参加"]));
            }
            b.push(
                Kind::Contact,
                json!({
                    "company_id": co.id,
                    "family_name": family.0,
                    "given_name": given.0,
                    "family_reading": family.1,
                    "given_reading": given.1,
                    "department": department,
                    "title": title,
                    "decision_role": role,
                    "importance": importance,
                    "owner_id": self.users[owner].id,
                    "tags": tags,
                    "email": email,
                    "phone": phone,
                    "mobile": mobile,
                    "address_status": if self.chance(0.03) { Some("bounced") } else { None },
                    "birthday": birthday,
                    "gender": gender,
                    "education": self.chance(0.08).then(|| self.pick(EDUCATIONS)),
                    "hobbies": self.chance(0.15).then(|| self.pick(HOBBIES)),
                    "family": self.chance(0.05).then(|| self.pick(FAMILIES)),
                    "relationships": self.chance(0.04).then(|| self.pick(RELATIONSHIPS)),
                    "memos": self.chance(0.15).then(|| self.pick(CONTACT_MEMOS)),
                }),
                Slot::Contact(ci, k),
            );
            co.contacts.push(ContactInfo { id: String::new(), family: family.0, department, title });
        }
    }

    fn financials(&mut self, co: &Co, b: &mut Batch) {
        if !self.chance(0.3) {
            return;
        }
        let year = self.today.year() as i64;
        let per_head = self.range(12, 40) * 1_000_000;
        let mut revenue = co.employees * per_head;
        for fy in (year - 3)..year {
            let margin = self.range(-30, 100) as f64 / 1000.0;
            let profit = (revenue as f64 * margin / 1000.0).round() as i64 * 1000;
            let department_sales: Vec<Value> = if self.chance(0.3) {
                let first = revenue * self.range(50, 80) / 100;
                vec![
                    json!({"department": "本業部門", "amount": first}),
                    json!({"department": "その他", "amount": revenue - first}),
                ]
            } else {
                vec![]
            };
            b.push(
                Kind::CompanyFinancial,
                json!({
                    "company_id": co.id,
                    "fiscal_year": fy,
                    "revenue": revenue,
                    "ordinary_profit": profit,
                    "department_sales": department_sales,
                    "notes": if profit < 0 { Some("原材料高騰により経常赤字。") } else { None },
                }),
                Slot::None,
            );
            let growth = self.range(-8, 12);
            revenue = (revenue + revenue * growth / 100).max(1_000_000);
        }
    }

    fn relations(&mut self, co: &Co, b: &mut Batch) {
        if co.idx < 10 {
            return;
        }
        let r: f64 = self.rng.random();
        let other = self.company_ids[self.rng.random_range(0..co.idx)].clone();
        let since = ymd(self.days_ago(200, 5000));
        if r < 0.04 {
            b.push(
                Kind::CompanyRelation,
                json!({"company_id": co.id, "relation": "parent", "related_company_id": other, "since": since}),
                Slot::None,
            );
            b.push(
                Kind::CompanyRelation,
                json!({"company_id": other, "relation": "subsidiary", "related_company_id": co.id, "since": since}),
                Slot::None,
            );
        } else if r < 0.045 || (co.status == "lost" && r < 0.1) {
            b.push(
                Kind::CompanyRelation,
                json!({"company_id": co.id, "relation": "merged_into", "related_company_id": other, "since": since, "notes": "吸収合併により消滅。取引は合併先に引き継ぎ。"}),
                Slot::None,
            );
        } else if r < 0.07 {
            let prefix = Self::prefix(self.rng.random_range(0..Self::prefix_count())).0;
            b.push(
                Kind::CompanyRelation,
                json!({"company_id": co.id, "relation": "affiliate", "related_name": format!("{prefix}ホールディングス株式会社")}),
                Slot::None,
            );
        }
    }

    fn deals(&mut self, co: &mut Co, ci: usize, b: &mut Batch) {
        let p = match co.status {
            "customer" => 0.45,
            "prospect" => 0.32,
            "dormant" => 0.06,
            _ => 0.1,
        };
        let n = if self.chance(p) {
            if self.chance(0.1) {
                2
            } else {
                1
            }
        } else {
            0
        };
        for k in 0..n {
            let stage = match co.status {
                "customer" => model::DEAL_STAGES[self.weighted(&[10, 15, 20, 15, 30, 10])],
                "prospect" => model::DEAL_STAGES[self.weighted(&[25, 25, 20, 10, 5, 15])],
                _ => model::DEAL_STAGES[self.weighted(&[5, 0, 5, 0, 10, 80])],
            };
            let product = self.rng.random_range(0..self.products.len());
            let info = &OWN_PRODUCTS[product];
            let title = self.pick(info.6);
            let qty = match info.5 {
                Billing::Yearly if info.3 < 1000 => co.employees.clamp(5, 500) * 12,
                Billing::Yearly => 12,
                _ => self.range(1, 5),
            };
            let amount = (info.3 * qty / 10_000).max(1) * 10_000;
            let probability = match stage {
                "lead" => 10,
                "qualified" => 30,
                "proposal" => 50,
                "negotiation" => 70,
                "won" => 100,
                _ => 0,
            };
            let closed = matches!(stage, "won" | "lost");
            let expected_close =
                if closed { self.days_ago(1, 365) } else { self.today + Duration::days(self.range(7, 180)) };
            let contact = co
                .contacts
                .iter()
                .position(|c| matches!(c.title, Some("代表取締役" | "取締役" | "部長" | "課長")))
                .unwrap_or(0);
            b.push(
                Kind::Deal,
                json!({
                    "company_id": co.id,
                    "title": title,
                    "stage": stage,
                    "amount": amount,
                    "expected_close": ymd(expected_close),
                    "probability": probability,
                    "owner_id": self.users[co.owner].id,
                    "contact_id": co.contacts[contact].id,
                    "product_id": self.products[product].id,
                    "lost_reason": (stage == "lost").then(|| self.pick(LOST_REASONS)),
                    "notes": (stage == "negotiation").then_some("価格面で最終調整中。決裁者は前向き。"),
                }),
                Slot::Deal(ci, k),
            );
            co.deals.push(DealInfo { id: String::new(), stage, product });
        }
    }

    fn card_exchanges(&mut self, co: &Co, b: &mut Batch) {
        let n = self.weighted(&[20, 60, 20]).min(co.contacts.len());
        for k in 0..n {
            let contact = &co.contacts[(k * 2) % co.contacts.len()];
            let on = on_weekday(self.days_ago(30, 1500));
            let user = self.attendee(co.owner, on);
            let product = self.products[self.rng.random_range(0..self.products.len())].name;
            b.push(
                Kind::CardExchange,
                json!({
                    "contact_id": contact.id,
                    "exchanged_on": ymd(on),
                    "place": self.pick(CARD_PLACES),
                    "our_user_id": self.users[user].id,
                    "context": fill(self.pick(CARD_CONTEXTS), "", product),
                    "importance": self.range(1, 5),
                }),
                Slot::None,
            );
        }
    }

    fn activities(&mut self, co: &Co, ci: usize, b: &mut Batch) {
        let mean = match co.status {
            "customer" => 15,
            "prospect" => 7,
            "dormant" => 8,
            _ => 6,
        };
        let n = self.range(0, 2 * mean);
        let (lo, hi) = match co.status {
            "dormant" => (200, 900),
            "lost" => (100, 900),
            _ => (0, 730),
        };
        for _ in 0..n {
            let kind = model::ACTIVITY_KINDS[self.weighted(&[20, 10, 25, 15, 20, 10])];
            let on = self.days_ago(lo, hi);
            let on = if matches!(kind, "meeting" | "visit") { on_weekday(on) } else { on };
            let f = self.activity(co, kind, on);
            b.push(Kind::Activity, f, Slot::Activity(ci));
        }
    }

    fn activity(&mut self, co: &Co, kind: &'static str, on: NaiveDate) -> Value {
        let contact_i = self.rng.random_range(0..co.contacts.len());
        let contact = &co.contacts[contact_i];
        let cname = contact.family.to_string();
        let product_i = co.deals.first().map(|d| d.product).unwrap_or_else(|| co.idx % self.products.len());
        let product = self.products[product_i].name;
        let user = self.attendee(co.owner, on);
        let deal_id = (!co.deals.is_empty() && self.chance(0.4)).then(|| co.deals[0].id.clone());
        let at = self.datetime(on);
        let mut f = json!({
            "kind": kind,
            "occurred_at": at,
            "company_id": co.id,
            "contact_ids": [contact.id],
            "our_attendee_ids": [self.users[user].id],
            "deal_id": deal_id,
        });
        let m = f.as_object_mut().expect("object");
        let mut set = |k: &str, v: Value| {
            m.insert(k.to_string(), v);
        };
        match kind {
            "meeting" => {
                let mut contacts = vec![json!(contact.id)];
                if co.contacts.len() > 1 && self.chance(0.5) {
                    let other = &co.contacts[(contact_i + 1) % co.contacts.len()];
                    contacts.push(json!(other.id));
                }
                let mut ours = vec![json!(self.users[user].id)];
                if user != MANAGER && self.chance(0.3) {
                    ours.push(json!(self.users[MANAGER].id));
                }
                let concern = self.pick(CONCERNS);
                let decision = self.pick(DECISIONS);
                let action = self.pick(NEXT_ACTIONS);
                let next = on_weekday(on + Duration::days(self.range(7, 21)));
                let topic2 =
                    self.pick(&["見積条件の確認", "導入スケジュール", "現行システムの課題整理", "他社比較の状況"]);
                let title = contact.title.map(|t| format!(" {t}")).unwrap_or_default();
                let dept = contact.department.unwrap_or("");
                set("subject", json!(format!("{product}のお打ち合わせ")));
                set("contact_ids", json!(contacts));
                set("our_attendee_ids", json!(ours));
                if self.chance(0.2) {
                    set("other_attendees", json!("先方 情報システム部 ご担当者1名"));
                }
                set("channel", json!("visit"));
                set(
                    "content",
                    json!(format!(
                        "## 議題\n- {product}の導入検討状況\n- {topic2}\n\n## 内容\n- {dept}{title} {cname}様より、{concern}とのこと。\n\n## 決定事項\n- {decision}\n\n## 次回\n- {}（{}）{action}",
                        next.format("%-m/%-d"),
                        weekday_ja(next)
                    )),
                );
                set("next_steps", json!(format!("{decision}。")));
                set("next_date", json!(ymd(next)));
                set("template_id", json!(self.templates[0]));
            }
            "inquiry" => {
                let (subject, question, answer) = self.pick(INQUIRIES);
                let channel = ["phone", "email", "web", "fax"][self.weighted(&[40, 30, 25, 5])];
                let answered_by = if self.chance(0.6) { INSIDE } else { user };
                set("subject", json!(format!("{product}の{subject}")));
                set("channel", json!(channel));
                set("content", json!(format!("{cname}様より問い合わせ。{question}")));
                set("outcome", json!(answer));
                set("answered_by_id", json!(self.users[answered_by].id));
                set("our_attendee_ids", json!([self.users[answered_by].id]));
                set("template_id", json!(self.templates[1]));
            }
            "call" | "visit" | "email" => {
                let (table, channel): (&[(&str, &str)], &str) = match kind {
                    "call" => (CALLS, "phone"),
                    "visit" => (VISITS, "visit"),
                    _ => (EMAILS, "email"),
                };
                let (subject, content) = self.pick(table);
                set("subject", json!(subject));
                set("channel", json!(channel));
                set("content", json!(fill(content, &cname, product)));
                if self.chance(0.2) {
                    let next = on_weekday(on + Duration::days(self.range(3, 14)));
                    set("next_steps", json!("次回の訪問日程を調整する。"));
                    set("next_date", json!(ymd(next)));
                }
            }
            _ => {
                let (info_kind, content, how, find) = self.pick(INFO_REPORTS);
                let competitor = COMPETITORS[self.rng.random_range(0..COMPETITORS.len())].0;
                let dept = contact.department.unwrap_or("営業部");
                let fact = self.chance(0.55);
                let title = contact.title.unwrap_or("ご担当者");
                set("subject", json!(format!("{info_kind}: {}", co.name)));
                set("content", json!(content.replace("{x}", competitor).replace("{d}", dept).replace("{p}", product)));
                set("info_kind", json!(info_kind));
                set("source_who", json!(format!("{dept} {title} {cname}様")));
                set("source_where", json!(self.pick(SOURCE_WHERE)));
                set("source_situation", json!(self.pick(SOURCE_SITUATION)));
                set("means", json!(model::MEANS[self.weighted(&[50, 25, 10, 10, 5])]));
                set("factuality", json!(if fact { "fact" } else { "speculation" }));
                set("credibility", json!(if fact { self.range(4, 5) } else { self.range(2, 3) }));
                set("importance", json!(self.range(1, 5)));
                set("urgency", json!(self.range(1, 5)));
                set("how_to_use", json!(how.replace("{p}", product)));
                set("to_find_out", json!(find));
                if self.chance(0.4) {
                    set(
                        "supervisor_decision",
                        json!(format!("{}({})", self.pick(SUPERVISOR_DECISIONS), self.users[MANAGER].name)),
                    );
                }
                let mut shared = vec![json!(self.users[MANAGER].id)];
                if self.chance(0.5) {
                    let u = self.active_user();
                    if u != MANAGER {
                        shared.push(json!(self.users[u].id));
                    }
                }
                set("shared_with_ids", json!(shared));
                set("template_id", json!(self.templates[2]));
            }
        }
        f
    }

    fn purchases(&mut self, co: &Co, b: &mut Batch) {
        let n = match co.status {
            "customer" => self.weighted(&[10, 70, 20]),
            "dormant" => self.weighted(&[50, 50]),
            "lost" => self.weighted(&[70, 30]),
            _ => usize::from(self.chance(0.02)),
        };
        let current = matches!(co.status, "customer" | "prospect");
        for k in 0..n {
            let won = co.deals.iter().find(|d| d.stage == "won");
            let (product, deal_id) = match won {
                Some(d) if k == 0 => (d.product, Some(d.id.clone())),
                _ => (self.rng.random_range(0..self.products.len()), None),
            };
            let info = &self.products[product];
            let (name, price, billing) = (info.name, info.price, info.billing);
            let unit_price = price - price * self.range(0, 15) / 100;
            let quantity = match billing {
                Billing::Yearly if price < 1000 => (co.employees.clamp(5, 500) * 12) as f64,
                Billing::Yearly => 12.0,
                _ => self.range(1, 5) as f64,
            };
            let amount = (unit_price as f64 * quantity) as i64;
            let contact = &co.contacts[self.rng.random_range(0..co.contacts.len())];
            let mut f = json!({
                "company_id": co.id,
                "contact_id": contact.id,
                "product_id": self.products[product].id,
                "product_name": name,
                "unit_price": unit_price,
                "quantity": quantity,
                "amount": amount,
                "deal_id": deal_id,
            });
            let m = f.as_object_mut().expect("object");
            let years = match billing {
                Billing::Yearly => Some(1),
                Billing::Lease(y) => Some(y),
                Billing::OneOff => None,
            };
            match years {
                Some(years) => {
                    let term = 365 * years;
                    // Where the expiry falls relative to today: a quarter of the
                    // current contracts run out within 90 days (renewal reminders).
                    let expiry_offset = if current && !self.forced_expiry {
                        self.forced_expiry = true;
                        self.range(1, 90)
                    } else if current && self.chance(0.25) {
                        self.range(0, 90)
                    } else if current {
                        self.range(-300, term - 30)
                    } else {
                        self.range(-900, -30)
                    };
                    let expiry = self.today + Duration::days(expiry_offset);
                    let start = expiry - Duration::days(term - 1);
                    let contract = start - Duration::days(self.range(5, 30));
                    let status = if expiry_offset >= 0 {
                        "active"
                    } else if current && self.chance(0.6) {
                        "renewed"
                    } else if self.chance(0.2) {
                        "cancelled"
                    } else {
                        "expired"
                    };
                    m.insert("contract_date".into(), json!(ymd(contract)));
                    m.insert("start_date".into(), json!(ymd(start)));
                    m.insert("expiry_date".into(), json!(ymd(expiry)));
                    if status == "renewed" {
                        m.insert("renewal_date".into(), json!(ymd(expiry + Duration::days(1))));
                    }
                    if matches!(billing, Billing::Lease(_)) {
                        m.insert("delivery_date".into(), json!(ymd(start)));
                    }
                    m.insert("status".into(), json!(status));
                    if (0..=90).contains(&expiry_offset) {
                        m.insert("notes".into(), json!("満了が近い。更新のご案内が必要。"));
                    }
                }
                None => {
                    let (lo, hi) = if current { (20, 1500) } else { (400, 2000) };
                    let contract = self.days_ago(lo, hi);
                    let delivery = contract + Duration::days(self.range(14, 45));
                    m.insert("contract_date".into(), json!(ymd(contract)));
                    m.insert("delivery_date".into(), json!(ymd(delivery)));
                    m.insert("status".into(), json!("active"));
                }
            }
            b.push(Kind::Purchase, f, Slot::None);
        }
    }

    fn tasks(&mut self, co: &Co, b: &mut Batch) {
        let n = self.weighted(&[82, 16, 2]);
        for _ in 0..n {
            let state = if !self.forced_today {
                self.forced_today = true;
                1
            } else if !self.forced_overdue {
                self.forced_overdue = true;
                0
            } else {
                self.weighted(&[25, 10, 40, 25])
            };
            // 0 overdue, 1 due today, 2 later, 3 done.
            let due = match state {
                0 => self.today - Duration::days(self.range(1, 30)),
                1 => self.today,
                2 => self.today + Duration::days(self.range(1, 30)),
                _ => self.today - Duration::days(self.range(1, 90)),
            };
            let done = state == 3;
            let done_on = done.then(|| ymd(due - Duration::days(self.range(0, 3))));
            let assignee = self.attendee(co.owner, self.today);
            let contact = &co.contacts[self.rng.random_range(0..co.contacts.len())];
            let activity_id = (!co.activities.is_empty() && self.chance(0.5))
                .then(|| co.activities[self.rng.random_range(0..co.activities.len())].clone());
            let deal_id = co.deals.iter().find(|d| !matches!(d.stage, "won" | "lost")).map(|d| d.id.clone());
            b.push(
                Kind::Task,
                json!({
                    "title": self.pick(TASK_TITLES),
                    "due": ymd(due),
                    "assignee_id": self.users[assignee].id,
                    "done": done,
                    "done_on": done_on,
                    "company_id": co.id,
                    "contact_id": contact.id,
                    "activity_id": activity_id,
                    "deal_id": deal_id,
                    "notes": (state == 0).then_some("先方の返事待ちで遅れている。"),
                }),
                Slot::None,
            );
        }
    }

    fn case_studies(&mut self, store: &mut Store, ctx: &Ctx) -> daifuku::Result<()> {
        const SIZES: &[&str] = &["micro", "small", "medium", "large", "enterprise"];
        const BEFORE_AFTER: &[(&str, &str)] = &[
            ("紙の出勤簿で、月末の集計に3日かかっていた。", "集計が自動化され、月末の作業が半日に短縮。"),
            ("販売・在庫・請求が別々のExcelで、二重入力が多かった。", "入力が一度で済み、請求ミスがゼロになった。"),
            (
                "複合機が古く、故障で業務が止まることがあった。",
                "リース切替で月々のコストを15%削減、スキャンの電子化も進んだ。",
            ),
            ("ネットワーク障害時に社内に対応できる人がいなかった。", "駆けつけ保守で障害からの復旧時間が平均2時間に。"),
            ("店舗の死角で万引き被害が続いていた。", "カメラ増設後、被害額が前年比で6割減。"),
            ("請求書の保管に書庫を1部屋使っていた。", "電子化で書庫が不要になり、検索も数秒で済むように。"),
        ];
        let mut b = Batch::default();
        let showcase = std::mem::take(&mut self.showcase);
        for (id, industry, size, product) in &showcase {
            let (before, after) = BEFORE_AFTER[*product];
            let title = format!("{}の導入事例", OWN_PRODUCTS[*product].0);
            b.push(
                Kind::CaseStudy,
                json!({
                    "title": title,
                    "product_id": self.products[*product].id,
                    "company_id": id,
                    "industry": industry,
                    "company_size": SIZES[*size],
                    "before": before,
                    "after": after,
                }),
                Slot::None,
            );
        }
        let unregistered: &[(&str, &str, &str, usize)] = &[
            ("関西の食品メーカーA社", "製造業", "medium", 0),
            ("首都圏の不動産管理会社B社", "不動産業", "small", 5),
            ("九州の物流会社C社", "運輸業", "large", 3),
            ("東海地方の調剤薬局チェーンD社", "小売業", "medium", 4),
        ];
        for (customer, industry, size, product) in unregistered {
            let (before, after) = BEFORE_AFTER[*product];
            b.push(
                Kind::CaseStudy,
                json!({
                    "title": format!("{customer}様 {}の導入事例", OWN_PRODUCTS[*product].0),
                    "product_id": self.products[*product].id,
                    "customer_name": customer,
                    "industry": industry,
                    "company_size": size,
                    "before": before,
                    "after": after,
                }),
                Slot::None,
            );
        }
        self.write(store, ctx, b)?;
        Ok(())
    }
}

/// Loads `companies` demo companies with their contacts, deals, activities…
/// into `store`, every record stamped as demo (`created_by` =
/// [`daifuku::store::DEMO_AUTHOR`]) so the core's `demo_remove` can take them
/// out again in one step. Refused (`demo_loaded`) while demo data is loaded.
pub fn demo_load(store: &mut Store, ctx: &Ctx, companies: usize) -> daifuku::Result<GenStats> {
    if store.demo_records()? > 0 {
        return Err(ApiError::new("demo_loaded", "demo data is already loaded: remove it first"));
    }
    let mut demo = ctx.clone();
    demo.user_id = Some(daifuku::store::DEMO_AUTHOR.to_string());
    // The generator seeds the store's ids with its seed: a fixed seed would
    // give the same ids again after a removal (they stay in the trash) and on
    // every computer. A fresh one each time, and fresh ids for the user's own
    // records afterwards.
    let opts = GenOptions { companies, seed: rand::random(), customers_only: false };
    let stats = generate(store, &demo, &opts, &mut |_, _| {});
    store.seed_ids(rand::random());
    stats
}

#[cfg(test)]
mod tests {
    use super::*;
    use daifuku::store::{Filter, FilterOp, ListQuery};

    const NOW: i64 = 1_790_000_000_000;

    fn gen(companies: usize, seed: u64) -> (Store, Ctx, GenStats) {
        let mut store = Store::open_in_memory().unwrap();
        let ctx = Ctx::new(NOW, "test-device");
        let mut calls = Vec::new();
        let stats = generate(&mut store, &ctx, &GenOptions { companies, seed, customers_only: false }, &mut |d, t| {
            calls.push((d, t))
        })
        .unwrap();
        assert_eq!(calls.first(), Some(&(0, companies)));
        assert_eq!(calls.last(), Some(&(companies, companies)));
        (store, ctx, stats)
    }

    fn total(store: &Store, kind: Kind, filters: Vec<Filter>) -> usize {
        store.list(kind, &ListQuery { filters, limit: Some(1), ..Default::default() }).unwrap().total.unwrap() as usize
    }

    fn all(store: &Store, kind: Kind) -> Vec<Map<String, Value>> {
        let mut out = Vec::new();
        let mut offset = 0;
        loop {
            let page = store
                .list(
                    kind,
                    &ListQuery { offset: Some(offset), limit: Some(1000), no_total: true, ..Default::default() },
                )
                .unwrap();
            let n = page.items.len();
            out.extend(page.items.into_iter().map(|s| s.record.to_fields()));
            if n < 1000 {
                return out;
            }
            offset += 1000;
        }
    }

    fn f(field: &str, op: FilterOp, value: Value) -> Filter {
        Filter { field: field.into(), op, value }
    }

    #[test]
    fn twenty_companies_give_expected_counts() {
        let (store, _, s) = gen(20, 7);
        assert_eq!(s.users, 8);
        assert_eq!(s.products, 12);
        assert_eq!(s.companies, 20);
        assert!((20..=100).contains(&s.contacts), "{s:?}");
        assert!((60..=400).contains(&s.activities), "{s:?}");
        assert!(s.purchases >= 3 && s.deals <= 40, "{s:?}");
        assert_eq!(total(&store, Kind::User, vec![]), s.users);
        assert_eq!(total(&store, Kind::Company, vec![]), s.companies);
        assert_eq!(total(&store, Kind::Contact, vec![]), s.contacts);
        assert_eq!(total(&store, Kind::Activity, vec![]), s.activities);
        assert_eq!(total(&store, Kind::Deal, vec![]), s.deals);
        assert_eq!(total(&store, Kind::Purchase, vec![]), s.purchases);
        assert_eq!(total(&store, Kind::Product, vec![]), s.products);
        assert_eq!(total(&store, Kind::Task, vec![]), s.tasks);
        let others = [
            Kind::CompanyFinancial,
            Kind::CompanyRelation,
            Kind::CardExchange,
            Kind::ProductScore,
            Kind::CaseStudy,
            Kind::NoteTemplate,
        ];
        let other: usize = others.iter().map(|k| total(&store, *k, vec![])).sum();
        assert_eq!(other, s.other);
        assert_eq!(total(&store, Kind::NoteTemplate, vec![]), 3);
        assert_eq!(total(&store, Kind::ProductScore, vec![]), 48);
        // Positions are recorded automatically for contacts with a department or title.
        assert!(total(&store, Kind::ContactPosition, vec![]) >= s.contacts / 2);
        // One office member has left.
        assert_eq!(total(&store, Kind::User, vec![f("active", FilterOp::Eq, json!(false))]), 1);
        // Codes are sequential.
        let codes: Vec<String> =
            all(&store, Kind::Company).iter().map(|c| c["code"].as_str().unwrap().to_string()).collect();
        for i in 1..=20 {
            assert!(codes.contains(&format!("C{i:06}")), "C{i:06}");
        }
    }

    #[test]
    fn activity_kinds_and_content_are_mixed() {
        let (store, _, s) = gen(60, 3);
        for kind in model::ACTIVITY_KINDS {
            let n = total(&store, Kind::Activity, vec![f("kind", FilterOp::Eq, json!(kind))]);
            assert!(n > 0 && n < s.activities / 2, "{kind}: {n} of {}", s.activities);
        }
        let acts = all(&store, Kind::Activity);
        let meeting = acts.iter().find(|a| a["kind"] == "meeting").unwrap();
        let content = meeting["content"].as_str().unwrap();
        for heading in ["## 議題", "## 決定事項", "## 次回"] {
            assert!(content.contains(heading), "{content}");
        }
        let inquiry = acts.iter().find(|a| a["kind"] == "inquiry").unwrap();
        assert!(inquiry["outcome"].is_string() && inquiry["answered_by_id"].is_string());
        let report = acts.iter().find(|a| a["kind"] == "info_report").unwrap();
        assert!(report["source_who"].is_string() && report["factuality"].is_string());
        let score = report["credibility"].as_i64().unwrap();
        assert!((1..=5).contains(&score));
        let names: std::collections::HashSet<String> =
            all(&store, Kind::Company).iter().map(|c| c["name"].as_str().unwrap().to_string()).collect();
        assert!(names.len() >= 58, "company names mostly unique: {}", names.len());
    }

    #[test]
    fn same_seed_same_database_other_seed_differs() {
        let (a, _, _) = gen(15, 42);
        let (b, _, _) = gen(15, 42);
        let (c, _, _) = gen(15, 43);
        let ea = a.export_json().unwrap();
        assert_eq!(ea, b.export_json().unwrap());
        assert_ne!(ea, c.export_json().unwrap());
    }

    #[test]
    fn corporate_numbers_valid_and_addresses_consistent() {
        let (store, _, s) = gen(200, 5);
        let companies = all(&store, Kind::Company);
        assert_eq!(companies.len(), s.companies);
        let mut with_number = 0;
        for c in &companies {
            if let Some(n) = c["corporate_number"].as_str() {
                with_number += 1;
                assert_eq!(daifuku::normalize::corporate_number(n).as_deref(), Ok(n));
            }
            let pref = c["prefecture"].as_str().unwrap();
            let city = c["city"].as_str().unwrap();
            let row = ADDRESS_ROWS
                .iter()
                .find(|r| r.pref == pref && r.city == city)
                .unwrap_or_else(|| panic!("no row for {pref}{city}"));
            let postal = c["postal_code"].as_str().unwrap();
            assert!(postal.starts_with(&format!("{}-", row.postal)), "{postal} in {pref}{city}");
            let phone = c["phone"].as_str().unwrap();
            assert!(phone.starts_with(&format!("{}-", row.area)), "{phone} in {city}");
            let digits = phone.chars().filter(char::is_ascii_digit).count();
            assert_eq!(digits, 10, "{phone}");
            let reading = c["name_reading"].as_str().unwrap();
            assert!(!reading.contains("カブシキガイシャ"));
        }
        assert!((100..=180).contains(&with_number), "~70% have a corporate number: {with_number}");
        // The check digit itself: a known number and its broken twin.
        assert_eq!(corporate_check_digit("000012050002"), 7);
    }

    #[test]
    fn renewals_due_and_tasks_overdue() {
        let (store, ctx, _) = gen(40, 9);
        let today = ctx.today();
        let today_d = NaiveDate::parse_from_str(&today, "%Y-%m-%d").unwrap();
        let in_90 = ymd(today_d + Duration::days(90));
        let expiring = total(
            &store,
            Kind::Purchase,
            vec![f("expiry_date", FilterOp::Gte, json!(today)), f("expiry_date", FilterOp::Lte, json!(in_90))],
        );
        assert!(expiring > 0, "some purchases expire within 90 days");
        let overdue = total(
            &store,
            Kind::Task,
            vec![f("due", FilterOp::Lt, json!(today)), f("done", FilterOp::Eq, json!(false))],
        );
        assert!(overdue > 0, "some tasks are overdue");
        let due_today = total(&store, Kind::Task, vec![f("due", FilterOp::Eq, json!(today))]);
        assert!(due_today > 0, "some tasks are due today");
        // Nothing is dated after today except plans (next dates, expected closes, dues).
        for a in all(&store, Kind::Activity) {
            assert!(a["occurred_at"].as_str().unwrap() <= format!("{today}T23:59").as_str());
        }
    }
}
