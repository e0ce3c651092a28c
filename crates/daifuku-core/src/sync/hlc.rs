//! Hybrid logical clocks as the change log writes them:
//! `{ms:015}-{counter:06}-{device}`, which sort as text in causal-then-device
//! order. A field's *version* is the clock of the write that set it, except
//! that a write always gets a version above the one it replaced (see
//! [`version_of`]), so an edit made after seeing a value from a clock that ran
//! far ahead still wins: a drifted clock cannot freeze anyone's edits.

/// The largest counter the text form holds (six digits).
const MAX_COUNTER: i64 = 999_999;

/// A parsed clock value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hlc {
    pub ms: i64,
    pub counter: i64,
    pub device: String,
}

impl Hlc {
    /// Parses `ms-counter-device`; `None` for anything else.
    pub fn parse(s: &str) -> Option<Hlc> {
        let (ms, rest) = s.split_once('-')?;
        let (counter, device) = rest.split_once('-')?;
        if ms.len() != 15 || counter.len() != 6 || !valid_device_id(device) {
            return None;
        }
        if !ms.bytes().all(|b| b.is_ascii_digit()) || !counter.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Hlc { ms: ms.parse().ok()?, counter: counter.parse().ok()?, device: device.to_string() })
    }

    pub fn format(&self) -> String {
        format!("{:015}-{:06}-{}", self.ms, self.counter, self.device)
    }
}

/// Device ids are lower-case letters, digits and `_`, 1 to 64 of them: they
/// appear in file names, which sync clients may change the case of.
pub fn valid_device_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The smallest clock of `device` above `prev`.
pub fn bump(prev: &str, device: &str) -> String {
    match Hlc::parse(prev) {
        Some(h) if h.counter < MAX_COUNTER => Hlc { ms: h.ms, counter: h.counter + 1, device: device.into() }.format(),
        Some(h) => Hlc { ms: h.ms + 1, counter: 0, device: device.into() }.format(),
        // No (or an unreadable) previous version: anything beats it.
        None => Hlc { ms: 0, counter: 0, device: device.into() }.format(),
    }
}

/// The version of a field written by a change stamped `hlc` on `device` over
/// a value of version `prev` ("" when none): the change's clock, or just
/// above `prev` when that clock is not above it (the writer's clock was
/// behind the value it saw). Every device computes the same result.
pub fn version_of(hlc: &str, prev: &str, device: &str) -> String {
    if hlc > prev {
        hlc.to_string()
    } else {
        bump(prev, device)
    }
}

/// The milliseconds part of a clock, 0 when unreadable.
pub fn millis(hlc: &str) -> i64 {
    Hlc::parse(hlc).map(|h| h.ms).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(ms: i64, c: i64, d: &str) -> String {
        Hlc { ms, counter: c, device: d.into() }.format()
    }

    #[test]
    fn parses_only_the_canonical_form() {
        let ok = h(1_700_000_000_000, 3, "ab12");
        assert_eq!(Hlc::parse(&ok).unwrap().format(), ok);
        for bad in [
            "",
            "1-2-a",
            "001700000000000-000003-AB",
            "001700000000000-00003-ab",
            "0017000000000x0-000003-ab",
            "001700000000000-000003-",
            "001700000000000-000003-a b",
        ] {
            assert_eq!(Hlc::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn versions_always_pass_what_they_replace() {
        let year_ahead = h(1_731_000_000_000, 5, "x");
        let now = h(1_700_000_000_000, 0, "b");
        let cases = [
            // (hlc, prev, expected)
            (now.clone(), "".to_string(), now.clone()),
            (now.clone(), h(1_600_000_000_000, 0, "a"), now.clone()),
            (now.clone(), year_ahead.clone(), h(1_731_000_000_000, 6, "b")),
            (now.clone(), h(1_700_000_000_000, 0, "c"), h(1_700_000_000_000, 1, "b")),
            (now.clone(), h(5, 999_999, "c"), now.clone()),
            (h(1, 0, "b"), h(5, 999_999, "c"), h(6, 0, "b")),
        ];
        for (hlc, prev, want) in cases {
            let v = version_of(&hlc, &prev, "b");
            assert_eq!(v, want, "{hlc} over {prev}");
            assert!(v > prev);
        }
    }
}
