//! Small bit sets over the simulation's closed enums (methods, risks, fields, findings), so an
//! outcome carries them without a heap allocation per user.

use serde::ser::{SerializeSeq, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// A fieldless enum with a stable name per variant.
pub trait Bit: Copy + 'static {
    fn all() -> &'static [Self];
    fn index(self) -> u32;
    fn name(self) -> &'static str;
}

pub struct Set<T> {
    bits: u32,
    _of: PhantomData<T>,
}

impl<T> Clone for Set<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Set<T> {}
impl<T> PartialEq for Set<T> {
    fn eq(&self, other: &Self) -> bool {
        self.bits == other.bits
    }
}
impl<T> Eq for Set<T> {}
impl<T> std::hash::Hash for Set<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bits.hash(state);
    }
}
impl<T> Default for Set<T> {
    fn default() -> Self {
        Set::EMPTY
    }
}

impl<T> Set<T> {
    pub const EMPTY: Set<T> = Set {
        bits: 0,
        _of: PhantomData,
    };
}

impl<T: Bit> Set<T> {
    pub fn of(items: &[T]) -> Self {
        let mut s = Set::EMPTY;
        for &i in items {
            s.insert(i);
        }
        s
    }
    pub fn insert(&mut self, item: T) {
        self.bits |= 1 << item.index();
    }
    pub fn remove(&mut self, item: T) {
        self.bits &= !(1 << item.index());
    }
    pub fn contains(&self, item: T) -> bool {
        self.bits & (1 << item.index()) != 0
    }
    /// The members as bits, one per variant index (a compact key).
    pub fn bits(self) -> u32 {
        self.bits
    }
    pub fn is_empty(&self) -> bool {
        self.bits == 0
    }
    pub fn len(&self) -> usize {
        self.bits.count_ones() as usize
    }
    pub fn and(self, other: Self) -> Self {
        Set {
            bits: self.bits & other.bits,
            _of: PhantomData,
        }
    }
    pub fn or(self, other: Self) -> Self {
        Set {
            bits: self.bits | other.bits,
            _of: PhantomData,
        }
    }
    pub fn minus(self, other: Self) -> Self {
        Set {
            bits: self.bits & !other.bits,
            _of: PhantomData,
        }
    }
    pub fn iter(self) -> impl Iterator<Item = T> {
        T::all().iter().copied().filter(move |i| self.contains(*i))
    }
    /// Names joined with `sep` (`password;google`), in declaration order.
    pub fn join(self, sep: &str) -> String {
        let mut out = String::new();
        for (n, item) in self.iter().enumerate() {
            if n > 0 {
                out.push_str(sep);
            }
            out.push_str(item.name());
        }
        out
    }
}

impl<T: Bit> fmt::Debug for Set<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|i| i.name()))
            .finish()
    }
}

impl<T: Bit> serde::Serialize for Set<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for item in self.iter() {
            seq.serialize_element(item.name())?;
        }
        seq.end()
    }
}
