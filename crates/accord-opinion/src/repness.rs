//! Representativeness (repness) of statements for groups, and consensus statements.
//!
//! Mirrors compdemocracy/polis `math/src/polismath/math/repness.clj` (`comment-stats`,
//! `add-comparitive-stats`, `select-rep-comments`, `select-consensus-comments`) with the z tests
//! of `stats.clj`. Counts come from the rating matrix with moderated-out columns zeroed; moderated-out
//! statements are never selected.

use crate::conversation::StatementId;
use crate::stats::{prop_test, two_prop_test, z_sig_90};

/// Whether a statement represents a group by agreement or by disagreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepfulFor {
    /// The group agrees with it more than the rest.
    Agree,
    /// The group disagrees with it more than the rest.
    Disagree,
}

/// A statement chosen as representative of a group (one entry of Pol.is `repness`).
#[derive(Debug, Clone, PartialEq)]
pub struct RepresentativeStatement {
    /// The statement.
    pub tid: StatementId,
    /// Agrees (or disagrees, per `repful_for`) in the group.
    pub n_success: u64,
    /// Votes (passes included) in the group.
    pub n_trials: u64,
    /// `(n_success + 1) / (n_trials + 2)`.
    pub p_success: f64,
    /// `prop_test(n_success, n_trials)`.
    pub p_test: f64,
    /// `p_success` over the same proportion among all other groups (Pol.is `ra` or `rd`).
    pub repness: f64,
    /// `two_prop_test` of the group against the rest, rounded to `f32` as Pol.is does (`float`).
    pub repness_test: f32,
    /// Agree or disagree.
    pub repful_for: RepfulFor,
    /// `Some(agrees)` on the group's best-agree statement (Pol.is `n-agree` with `best-agree: true`).
    pub best_agree_n_agree: Option<u64>,
}

/// A consensus statement (one entry of Pol.is `consensus.agree` or `consensus.disagree`).
#[derive(Debug, Clone, PartialEq)]
pub struct ConsensusStatement {
    /// The statement.
    pub tid: StatementId,
    /// Agrees (in the agree list) or disagrees (in the disagree list) among all participants.
    pub n_success: u64,
    /// Votes, passes included.
    pub n_trials: u64,
    /// `(n_success + 1) / (n_trials + 2)`.
    pub p_success: f64,
    /// `prop_test(n_success, n_trials)`.
    pub p_test: f64,
}

/// The consensus statements: at most five each, best first.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Consensus {
    /// Statements most participants agree with.
    pub agree: Vec<ConsensusStatement>,
    /// Statements most participants disagree with.
    pub disagree: Vec<ConsensusStatement>,
}

/// Agree, disagree and seen counts of one statement in one set of participants.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Counts {
    pub na: u64,
    pub nd: u64,
    pub ns: u64,
}

/// `comment-stats` plus `add-comparitive-stats` for one group and one statement.
#[derive(Debug, Clone, Copy)]
struct Stats {
    na: u64,
    nd: u64,
    ns: u64,
    pa: f64,
    pd: f64,
    pat: f64,
    pdt: f64,
    ra: f64,
    rd: f64,
    rat: f64,
    rdt: f64,
}

/// `(1 + a) / (2 + b)` divided by `(1 + c) / (2 + d)`, as one exact ratio rounded once.
fn ratio_of_ratios(a: u64, b: u64, c: u64, d: u64) -> f64 {
    ((1 + a) * (2 + d)) as f64 / ((2 + b) * (1 + c)) as f64
}

fn stats(group: Counts, rest: Counts) -> Stats {
    Stats {
        na: group.na,
        nd: group.nd,
        ns: group.ns,
        pa: (1 + group.na) as f64 / (2 + group.ns) as f64,
        pd: (1 + group.nd) as f64 / (2 + group.ns) as f64,
        pat: prop_test(group.na, group.ns),
        pdt: prop_test(group.nd, group.ns),
        ra: ratio_of_ratios(group.na, group.ns, rest.na, rest.ns),
        rd: ratio_of_ratios(group.nd, group.ns, rest.nd, rest.ns),
        rat: two_prop_test(group.na, rest.na, group.ns, rest.ns),
        rdt: two_prop_test(group.nd, rest.nd, group.ns, rest.ns),
    }
}

/// `finalize-cmt-stats`: agree if `rat > rdt`, else disagree.
fn finalize(tid: StatementId, s: &Stats) -> RepresentativeStatement {
    let (n_success, p_success, p_test, repness, repness_test, repful_for) = if s.rat > s.rdt {
        (s.na, s.pa, s.pat, s.ra, s.rat, RepfulFor::Agree)
    } else {
        (s.nd, s.pd, s.pdt, s.rd, s.rdt, RepfulFor::Disagree)
    };
    RepresentativeStatement {
        tid,
        n_success,
        n_trials: s.ns,
        p_success,
        p_test,
        repness,
        repness_test: repness_test as f32,
        repful_for,
        best_agree_n_agree: None,
    }
}

/// `passes-by-test?`
fn passes_by_test(s: &Stats) -> bool {
    (z_sig_90(s.rat) && z_sig_90(s.pat)) || (z_sig_90(s.rdt) && z_sig_90(s.pdt))
}

/// `beats-best-agr?`
fn beats_best_agree(s: &Stats, current: Option<&Stats>) -> bool {
    if s.na == 0 && s.nd == 0 {
        return false;
    }
    match current {
        Some(c) if c.ra > 1.0 => s.ra * s.rat * s.pa * s.pat > c.ra * c.rat * c.pa * c.pat,
        Some(c) => s.pa * s.pat > c.pa * c.pat,
        None => z_sig_90(s.pat) || (s.ra > 1.0 && s.pa > 0.5),
    }
}

/// `repness-metric`
fn metric(r: &RepresentativeStatement) -> f64 {
    r.repness * f64::from(r.repness_test) * r.p_success * r.p_test
}

/// Representative statements of each group (`conv-repness` then `select-rep-comments`).
///
/// `counts[g][s]` holds group `g`'s counts on statement `statements[s]`; `mod_out[s]` says whether
/// it is moderated out. Returns, per group in the order given, at most five statements (or the one
/// best, when none passes the tests): the best-agree statement first, the rest by descending
/// `repness * repness_test * p_success * p_test`, then agrees before disagrees.
pub(crate) fn select_rep_comments(
    statements: &[StatementId],
    counts: &[Vec<Counts>],
    mod_out: &[bool],
) -> Vec<Vec<RepresentativeStatement>> {
    let n_groups = counts.len();
    struct Selection {
        best: Option<RepresentativeStatement>,
        best_agree: Option<(StatementId, Stats)>,
        sufficient: Vec<RepresentativeStatement>,
    }
    let mut selections: Vec<Selection> =
        (0..n_groups).map(|_| Selection { best: None, best_agree: None, sufficient: Vec::new() }).collect();
    for (s, &tid) in statements.iter().enumerate() {
        if mod_out[s] {
            continue;
        }
        for g in 0..n_groups {
            let rest = (0..n_groups).filter(|&o| o != g).fold(Counts::default(), |acc, o| Counts {
                na: acc.na + counts[o][s].na,
                nd: acc.nd + counts[o][s].nd,
                ns: acc.ns + counts[o][s].ns,
            });
            let st = stats(counts[g][s], rest);
            let selection = &mut selections[g];
            if passes_by_test(&st) {
                selection.sufficient.push(finalize(tid, &st));
            }
            // beats-best-by-test?, compared against the stored (f32-rounded) repness-test
            let beats_best =
                selection.best.as_ref().is_none_or(|b| st.rat.max(st.rdt) > f64::from(b.repness_test));
            if selection.sufficient.is_empty() && beats_best {
                selection.best = Some(finalize(tid, &st));
            }
            if beats_best_agree(&st, selection.best_agree.as_ref().map(|(_, b)| b)) {
                selection.best_agree = Some((tid, st));
            }
        }
    }
    selections
        .into_iter()
        .map(|selection| {
            let best_agree = selection.best_agree.map(|(tid, st)| RepresentativeStatement {
                best_agree_n_agree: Some(st.na),
                ..finalize(tid, &st)
            });
            if selection.sufficient.is_empty() {
                return best_agree.or(selection.best).into_iter().collect();
            }
            let mut rest: Vec<RepresentativeStatement> = selection
                .sufficient
                .into_iter()
                .filter(|r| best_agree.as_ref().is_none_or(|b| b.tid != r.tid))
                .collect();
            // A stable sort, as Clojure's sort-by.
            rest.sort_by(|a, b| metric(b).partial_cmp(&metric(a)).unwrap_or(std::cmp::Ordering::Equal));
            let top: Vec<RepresentativeStatement> = best_agree.into_iter().chain(rest).take(5).collect();
            let (agrees, disagrees): (Vec<_>, Vec<_>) =
                top.into_iter().partition(|r| r.repful_for == RepfulFor::Agree);
            agrees.into_iter().chain(disagrees).collect()
        })
        .collect()
}

/// Consensus statements over all participants (`consensus-stats`, `select-consensus-comments`):
/// statements with `p > 0.5` and a significant `prop_test`, at most five, by descending `p * test`.
/// `counts[s]` are all participants' counts on `statements[s]`.
pub(crate) fn select_consensus(statements: &[StatementId], counts: &[Counts], mod_out: &[bool]) -> Consensus {
    let top_5 = |agree: bool| {
        let mut candidates: Vec<(f64, ConsensusStatement)> = statements
            .iter()
            .enumerate()
            .filter(|&(s, _)| !mod_out[s])
            .map(|(s, &tid)| {
                let c = counts[s];
                let n_success = if agree { c.na } else { c.nd };
                let p_success = (1 + n_success) as f64 / (2 + c.ns) as f64;
                let p_test = prop_test(n_success, c.ns);
                (p_success * p_test, ConsensusStatement { tid, n_success, n_trials: c.ns, p_success, p_test })
            })
            .filter(|(_, c)| c.p_success > 0.5 && z_sig_90(c.p_test))
            .collect();
        candidates.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap_or(std::cmp::Ordering::Equal));
        candidates.into_iter().take(5).map(|(_, c)| c).collect()
    };
    Consensus { agree: top_5(true), disagree: top_5(false) }
}
