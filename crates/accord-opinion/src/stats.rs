//! Pol.is's z tests, from compdemocracy/polis `math/src/polismath/math/stats.clj`.

/// The one-proportion z test with a pseudocount: `2 * sqrt(n + 1) * ((succ + 1) / (n + 1) - 0.5)`
/// (`stats.clj`, `prop-test`). `succ` successes out of `n` trials.
pub fn prop_test(succ: u64, n: u64) -> f64 {
    let (succ, n) = ((succ + 1) as f64, (n + 1) as f64);
    2.0 * n.sqrt() * (succ / n + -0.5)
}

/// The two-proportion z test with a pseudocount of one on each count (`stats.clj`,
/// `two-prop-test`): `succ_in` of `pop_in` against `succ_out` of `pop_out`. Returns `0` when the
/// pooled proportion is 1, as Pol.is does.
pub fn two_prop_test(succ_in: u64, succ_out: u64, pop_in: u64, pop_out: u64) -> f64 {
    let (succ_in, succ_out, pop_in, pop_out) = (succ_in + 1, succ_out + 1, pop_in + 1, pop_out + 1);
    if succ_in + succ_out == pop_in + pop_out {
        return 0.0;
    }
    // Pol.is computes both the difference of proportions and the variance as exact ratios and
    // converts each to a double once; so do we, with integers.
    let difference = (i128::from(succ_in * pop_out) - i128::from(succ_out * pop_in)) as f64;
    let difference = difference / (pop_in * pop_out) as f64;
    let (succ, pop) = (succ_in + succ_out, pop_in + pop_out);
    // pi_hat (1 - pi_hat) (1/pop_in + 1/pop_out) = succ (pop - succ) / (pop pop_in pop_out)
    let variance = (succ * (pop - succ)) as f64 / (pop * pop_in * pop_out) as f64;
    difference / variance.sqrt()
}

/// Whether a z statistic is significant at 90% for the one-sided alternative `>`
/// (`stats.clj`, `z-sig-90?`): `z > 1.2816`.
pub fn z_sig_90(z: f64) -> bool {
    z > 1.2816
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prop_test_of_all_successes_in_three_trials_is_two() {
        // 2 * sqrt(4) * (4/4 - 0.5) = 2, the p-test of tid 17 in the below-100-ptpts fixture.
        assert_eq!(prop_test(3, 3), 2.0);
    }

    #[test]
    fn two_prop_test_with_a_pooled_proportion_of_one_is_zero() {
        assert_eq!(two_prop_test(3, 5, 3, 5), 0.0);
    }
}
