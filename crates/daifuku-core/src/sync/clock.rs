//! Clock honesty (issue 19): is this device's clock far from the others'?
//! Pure. Each device's info file carries its wall clock when written, and,
//! for every other device, the pair (that device's `written_at`, this
//! device's wall clock when it first read that info). A file is read after
//! it is written, so each pair bounds the difference of two clocks from one
//! side whatever the delivery delay:
//!
//! - P read my info (my clock `X`) when its clock said `Y`: me − P ≥ X − Y;
//! - I read P's info (its clock `W`) when mine said `R`: me − P ≤ R − W.
//!
//! This device's clock is *ahead* when for most of the devices with a
//! reading the lower bound exceeds [`CLOCK_SKEW_MS`], *behind* when the
//! upper bound is below −[`CLOCK_SKEW_MS`] for most of them and for at least
//! two (with only one other device, a colleague's clock that is ahead would
//! otherwise make this one look behind). Ordering is not touched: versions
//! stay hybrid logical clocks; this only tells the user.

use std::collections::BTreeMap;

/// How far apart clocks may be before the user is told.
pub const CLOCK_SKEW_MS: i64 = 5 * 60_000;

/// One device's info written at its clock `.0`, first read at the reader's clock `.1`.
pub type Reading = (i64, i64);

/// What this device knows about one other device's clock.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PeerClock {
    /// The other device read this device's info: (this device's clock, its clock).
    pub read_me: Option<Reading>,
    /// This device read the other's info: (its clock, this device's clock).
    pub read_them: Option<Reading>,
}

impl PeerClock {
    /// Lower and upper bounds of (this device's clock − the other's).
    fn bounds(&self) -> (Option<i64>, Option<i64>) {
        (self.read_me.map(|(x, y)| x - y), self.read_them.map(|(w, r)| r - w))
    }

    /// How far the other device's clock is off from this one (positive:
    /// ahead), when it is certainly more than [`CLOCK_SKEW_MS`].
    pub fn offset(&self) -> Option<i64> {
        let (lower, upper) = self.bounds();
        match (lower, upper) {
            (_, Some(u)) if u < -CLOCK_SKEW_MS => Some(-u),
            (Some(l), _) if l > CLOCK_SKEW_MS => Some(-l),
            _ => None,
        }
    }
}

/// How far this device's clock is off from the others' (positive: ahead),
/// when most of them agree it is more than [`CLOCK_SKEW_MS`].
pub fn own_offset(peers: &BTreeMap<String, PeerClock>) -> Option<i64> {
    let with_reading: Vec<&PeerClock> =
        peers.values().filter(|p| p.read_me.is_some() || p.read_them.is_some()).collect();
    let n = with_reading.len();
    if n == 0 {
        return None;
    }
    let mut ahead: Vec<i64> = with_reading.iter().filter_map(|p| p.bounds().0).filter(|l| *l > CLOCK_SKEW_MS).collect();
    let mut behind: Vec<i64> =
        with_reading.iter().filter_map(|p| p.bounds().1).filter(|u| *u < -CLOCK_SKEW_MS).collect();
    if ahead.len() * 2 > n {
        ahead.sort();
        return Some(ahead[ahead.len() / 2]);
    }
    if behind.len() * 2 > n && behind.len() >= 2 {
        behind.sort();
        return Some(behind[behind.len() / 2]);
    }
    None
}

/// "about 1 year", "about 3 hours"… for the English message.
pub fn about(ms: i64) -> String {
    let m = ms.abs() / 60_000;
    let (n, unit) = match m {
        _ if m < 120 => (m, "minute"),
        _ if m < 48 * 60 => (m / 60, "hour"),
        _ if m < 60 * 1440 => (m / 1440, "day"),
        _ if m < 330 * 1440 => (m / (30 * 1440), "month"),
        _ => ((m + 182 * 1440) / (365 * 1440), "year"),
    };
    format!("about {n} {unit}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    const YEAR: i64 = 365 * 24 * 3_600_000;

    fn peers(list: &[(Option<Reading>, Option<Reading>)]) -> BTreeMap<String, PeerClock> {
        list.iter()
            .enumerate()
            .map(|(i, (me, them))| (format!("d{i}"), PeerClock { read_me: *me, read_them: *them }))
            .collect()
    }

    #[test]
    fn own_offset_table() {
        let t = 1_790_000_000_000;
        let cases: Vec<(Vec<(Option<Reading>, Option<Reading>)>, Option<i64>)> = vec![
            // Nobody read anything yet.
            (vec![(None, None)], None),
            // Two colleagues read this device's info a year "before" it was written.
            (vec![(Some((t + YEAR, t + 60_000)), None), (Some((t + YEAR, t + 120_000)), None)], Some(YEAR - 60_000)),
            // One colleague of two: not a majority.
            (vec![(Some((t + YEAR, t)), None), (Some((t, t + 1000)), Some((t, t + 1000)))], None),
            // Only one other device, which read this one late: a day of delay is not skew.
            (vec![(Some((t, t + 86_400_000)), Some((t - 86_400_000, t)))], None),
            // One other device, its info read a year before it was written:
            // this one may be right; behind needs two witnesses.
            (vec![(None, Some((t + YEAR, t)))], None),
            (vec![(None, Some((t + YEAR, t))), (None, Some((t + YEAR, t + 5)))], Some(-YEAR + 5)),
            // Within five minutes: fine.
            (vec![(Some((t + 200_000, t)), None)], None),
        ];
        for (input, want) in cases {
            assert_eq!(own_offset(&peers(&input)), want, "{input:?}");
        }
    }

    #[test]
    fn a_peer_offset_is_named_only_when_certain() {
        let t = 1_790_000_000_000;
        assert_eq!(PeerClock { read_me: None, read_them: Some((t + YEAR, t)) }.offset(), Some(YEAR));
        assert_eq!(PeerClock { read_me: Some((t + YEAR, t)), read_them: None }.offset(), Some(-YEAR));
        assert_eq!(PeerClock { read_me: None, read_them: Some((t - YEAR, t)) }.offset(), None);
        assert_eq!(about(YEAR + 3_600_000), "about 1 year");
        assert_eq!(about(YEAR - 120_000), "about 1 year");
        assert_eq!(about(-90 * 24 * 3_600_000), "about 3 months");
        assert_eq!(about(3 * 3_600_000), "about 3 hours");
    }
}
