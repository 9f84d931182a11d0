//! The hasher of the capture's tables (TCP flows, SCTP streams, IP
//! fragments), keyed by addresses.
//!
//! std's default, SipHash-1-3, was 8% of `parse` on a capture: two lookups
//! of a pair of socket addresses per TCP segment, each address fed to the
//! hasher as several small writes. This one mixes each write into the state
//! with a folded 64x64->128-bit multiply (the construction of wyhash and
//! foldhash), a handful of instructions, and is keyed at random per table
//! from std's `RandomState`, so a capture cannot be crafted to make the
//! tables collide.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher, RandomState};

/// A map keyed by addresses, with [`AddrHash`].
pub(crate) type AddrMap<K, V> = HashMap<K, V, AddrHash>;

/// Builds [`AddrHasher`]s with keys drawn at random for each table.
#[derive(Debug, Clone)]
pub(crate) struct AddrHash {
    seed: u64,
    mul: u64,
}

impl Default for AddrHash {
    fn default() -> Self {
        let r = RandomState::new();
        AddrHash {
            seed: r.hash_one(0x5eed_u64),
            // Odd, so that the multiply loses no bits of the state.
            mul: r.hash_one(0x006d_756c_u64) | 1,
        }
    }
}

impl BuildHasher for AddrHash {
    type Hasher = AddrHasher;

    fn build_hasher(&self) -> AddrHasher {
        AddrHasher {
            state: self.seed,
            mul: self.mul,
        }
    }
}

/// See the module documentation.
#[derive(Debug, Clone)]
pub(crate) struct AddrHasher {
    state: u64,
    mul: u64,
}

impl AddrHasher {
    #[inline]
    fn mix(&mut self, x: u64) {
        let p = u128::from(self.state ^ x) * u128::from(self.mul);
        self.state = (p as u64) ^ ((p >> 64) as u64);
    }
}

impl Hasher for AddrHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.mix(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        // The length keeps "ab" + "" apart from "a" + "b".
        self.mix(u64::from_le_bytes(last) ^ ((bytes.len() as u64) << 56));
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.mix(u64::from(n));
    }

    #[inline]
    fn write_u16(&mut self, n: u16) {
        self.mix(u64::from(n));
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.mix(u64::from(n));
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.mix(n);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.mix(n as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // One more round, so that the last write reaches every bit.
        let p = u128::from(self.state) * u128::from(self.mul);
        (p as u64) ^ ((p >> 64) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::SocketAddr;

    #[test]
    fn a_map_of_address_pairs_finds_what_it_holds_and_nothing_else() {
        let mut m: AddrMap<(SocketAddr, SocketAddr), usize> = AddrMap::default();
        let pair = |i: usize| -> (SocketAddr, SocketAddr) {
            (
                format!("10.0.{}.{}:{}", i / 250, i % 250, 5060 + i % 7)
                    .parse()
                    .unwrap(),
                format!("[2001:db8::{i:x}]:2855").parse().unwrap(),
            )
        };
        for i in 0..5000 {
            m.insert(pair(i), i);
        }
        for i in 0..5000 {
            assert_eq!(m.get(&pair(i)), Some(&i));
            let (a, b) = pair(i);
            assert_eq!(m.get(&(b, a)), None);
        }
    }

    #[test]
    fn hashes_spread_and_depend_on_the_key() {
        let h = AddrHash::default();
        let mut seen = std::collections::HashSet::new();
        for port in 0..10_000u16 {
            let a: SocketAddr = SocketAddr::from(([192, 0, 2, 1], port));
            // The low bits pick the bucket: they must differ too.
            seen.insert(h.hash_one(a) & 0xffff);
        }
        assert!(seen.len() > 8_000, "{}", seen.len());
        let other = AddrHash::default();
        let a: SocketAddr = "192.0.2.1:5060".parse().unwrap();
        assert_ne!(h.hash_one(a), other.hash_one(a), "keyed per table");
    }
}
