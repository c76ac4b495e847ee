//! The benchmark's names, exactly as `contracts/bench/BenchRegistrar.sol` registers them, and a
//! small deterministic random generator to pick them.

use alloy::primitives::{Address, B256, U256, keccak256};
use alloy::sol_types::SolValue;

/// The most names the helper contract can make (seven digits).
pub const MAX_NAMES: u64 = 10_000_000;

/// The label of name `index`: `bench` and seven digits (`bench0000042`).
pub fn label_of(index: u64) -> String {
    format!("bench{index:07}")
}

/// The owner the helper contract gives name `index`.
pub fn owner_of(index: u64) -> Address {
    let hash = keccak256(("owner", U256::from(index)).abi_encode_params());
    Address::from_slice(&hash[12..])
}

/// The Session ID key in the record of name `index`.
pub fn session_key_of(index: u64) -> B256 {
    keccak256(("session", U256::from(index)).abi_encode_params())
}

/// xorshift64*: fast, deterministic, good enough to pick names uniformly.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (any value; zero is mapped to a fixed non-zero state).
    pub fn new(seed: u64) -> Self {
        Self(if seed == 0 {
            0x9e37_79b9_7f4a_7c15
        } else {
            seed
        })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n > 0`), by multiply-shift (bias below 2^-32 for our sizes).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64() >> 32) * u128::from(n)) >> 32) as u64
    }

    /// Fills `out` with random bytes.
    pub fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_valid_names() {
        for index in [0, 42, 9_999_999] {
            let label = label_of(index);
            assert_eq!(label.len(), 12);
            sesh_core::Name::parse(&label).expect("a valid name");
        }
        assert_eq!(label_of(42), "bench0000042");
    }

    #[test]
    fn picks_stay_in_range() {
        let mut rng = Rng::new(7);
        let mut seen = [false; 10];
        for _ in 0..1_000 {
            let n = rng.below(10);
            assert!(n < 10);
            seen[n as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
    }
}
