//! A set of row numbers as a bitset: one bit per input row, so a million rows take 125 KiB
//! however many of them are in the set. The journal is read into these at start.

#[derive(Debug, Clone, Default)]
pub struct RowSet {
    words: Vec<u64>,
    len: u64,
}

impl RowSet {
    /// An empty set sized for rows `1..=rows` (it grows if a larger row is inserted).
    pub fn with_rows(rows: u64) -> Self {
        RowSet { words: Vec::with_capacity(word_count(rows)), len: 0 }
    }

    /// Adds `row`; false if it was already there.
    pub fn insert(&mut self, row: u64) -> bool {
        let (word, bit) = split(row);
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        let had = self.words[word] & bit != 0;
        self.words[word] |= bit;
        if !had {
            self.len += 1;
        }
        !had
    }

    /// Takes `row` out; false if it was not there.
    pub fn remove(&mut self, row: u64) -> bool {
        let (word, bit) = split(row);
        let Some(w) = self.words.get_mut(word).filter(|w| **w & bit != 0) else {
            return false;
        };
        *w &= !bit;
        self.len -= 1;
        true
    }

    pub fn contains(&self, row: u64) -> bool {
        let (word, bit) = split(row);
        self.words.get(word).is_some_and(|w| w & bit != 0)
    }

    pub fn len(&self) -> u64 {
        self.len
    }
}

fn word_count(rows: u64) -> usize {
    usize::try_from(rows / 64 + 1).unwrap_or(usize::MAX)
}

fn split(row: u64) -> (usize, u64) {
    (usize::try_from(row / 64).unwrap_or(usize::MAX), 1 << (row % 64))
}

#[cfg(test)]
mod tests {
    use super::RowSet;

    #[test]
    fn inserts_counts_and_grows() {
        let mut s = RowSet::with_rows(10);
        assert!(s.insert(1));
        assert!(!s.insert(1), "a second insert is reported");
        assert!(s.insert(64) && s.insert(1_000_000));
        assert_eq!(s.len(), 3);
        assert!(s.contains(1) && s.contains(64) && s.contains(1_000_000));
        assert!(!s.contains(2) && !s.contains(63) && !s.contains(65) && !s.contains(u64::MAX / 2));
        assert!(s.remove(64) && !s.remove(64) && !s.remove(2) && !s.remove(u64::MAX / 2));
        assert_eq!(s.len(), 2);
        assert!(!s.contains(64) && s.contains(1));
    }
}
