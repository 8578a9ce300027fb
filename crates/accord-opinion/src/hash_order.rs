//! Clojure's iteration order for hash sets and hash maps of integer keys.
//!
//! Pol.is keeps `in-conv` and `user-vote-counts` in Clojure hash collections, and the first k
//! distinct points of `in-conv` seed k-means, while ties in "most votes" are broken by map order. To
//! choose as Pol.is chooses we order ids as Clojure iterates them: a `PersistentHashMap` is a trie
//! over 5-bit chunks of the key's hash, lowest chunk first, and iterates each node's slots in order.
//! The hash of a `Long` is `clojure.lang.Murmur3/hashLong`.

/// Clojure's `Murmur3.hashLong`, the `hasheq` of a `java.lang.Long`.
fn murmur3_hash_long(input: i64) -> u32 {
    fn mix_k1(k1: u32) -> u32 {
        k1.wrapping_mul(0xcc9e_2d51).rotate_left(15).wrapping_mul(0x1b87_3593)
    }
    fn mix_h1(h1: u32, k1: u32) -> u32 {
        (h1 ^ k1).rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64)
    }
    if input == 0 {
        return 0;
    }
    let bits = input as u64;
    let low = bits as u32;
    let high = (bits >> 32) as u32;
    let mut h1 = mix_h1(0, mix_k1(low));
    h1 = mix_h1(h1, mix_k1(high));
    // fmix with a length of 8 bytes
    h1 ^= 8;
    h1 ^= h1 >> 16;
    h1 = h1.wrapping_mul(0x85eb_ca6b);
    h1 ^= h1 >> 13;
    h1 = h1.wrapping_mul(0xc2b2_ae35);
    h1 ^= h1 >> 16;
    h1
}

/// A sort key that orders ids as a Clojure hash set of longs iterates them.
pub(crate) fn clojure_order_key(id: i64) -> u64 {
    // Reversing the order of the 5-bit chunks turns "lowest chunk first" into a plain comparison.
    let hash = murmur3_hash_long(id);
    (0..7).fold(0u64, |key, chunk| (key << 5) | u64::from((hash >> (5 * chunk)) & 31))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_ids_iterate_in_the_order_pol_is_printed_them() {
        // The first ids of `in-conv` in the below-100-ptpts fixture, as Pol.is printed the set.
        let printed = [0, 7, 20, 27, 1, 4, 15, 21, 33, 13, 22, 6, 3, 12, 2, 23, 19, 11, 9, 5, 14, 10, 8];
        let mut sorted = printed.to_vec();
        sorted.sort_by_key(|&id| clojure_order_key(id));
        assert_eq!(sorted, printed);
    }
}
