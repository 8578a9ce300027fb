//! PCA of the imputed rating matrix, and the projections of participants and statements.
//!
//! Mirrors compdemocracy/polis `math/src/polismath/math/pca.clj` (`powerit-pca`, `factor-matrix`,
//! `sparsity-aware-project-ptpt`, `pca-project-cmnts`) and the imputation of `conversation.clj`
//! (`:mat`: unvoted cells take their column's mean).
//!
//! Pol.is finds the two components by power iteration on `XᵀX`, the second after factoring the
//! first out of `X`. Power iteration converges to the top eigenvectors of `XᵀX`, so we compute
//! those eigenvectors directly with faer: a dense self-adjoint eigendecomposition of `XᵀX` when
//! there are few statements, a Krylov–Schur Lanczos solver (`faer::matrix_free`) otherwise. Where
//! two eigenvalues are well apart this is the vector power iteration reaches, in a few dozen passes
//! over the votes instead of a thousand; where they are nearly equal, power iteration barely
//! moves while the eigensolver still finds the pair.
//!
//! `X` itself is never formed. It is the centered imputed matrix: an unvoted cell holds the
//! column mean, which is also the center, so once centered it is exactly zero, and a moderated-out
//! column is all zero with a center of zero. So `X` has the sparsity of the votes.
//!
//! On a cold start `XᵀX v = Σ_p (x_p · v) x_p` is applied over each participant's votes `x_p`, read
//! from the conversation's compressed rows, once per Lanczos step. [`crate::Engine`], which refreshes
//! the analysis after each vote, instead keeps integer sums over pairs of statements
//! ([`PairSums`], up to [`PAIR_SUMS_MAX_STATEMENTS`] statements): with `c` the center and the sums
//! over the participants who voted on both `i` and `j`,
//! `(XᵀX)ᵢⱼ = Σ (vᵢ - cᵢ)(vⱼ - cⱼ) = Σ vᵢvⱼ - cⱼ Σ vᵢ - cᵢ Σ vⱼ + n cᵢcⱼ`.
//! The sums are exact integers, so they are the same in any order, and a vote changes only its
//! participant's pairs; the eigensolver then works on the small dense matrix, of which a vote
//! changes the entries of one statement's center and of one participant's pairs: only those are
//! formed again ([`PairSums`] keeps the matrix), each by the same expression as when all are.

use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
use faer::matrix_free::LinOp;
use faer::{Mat, MatMut, MatRef, Par, Side};
use rayon::prelude::*;

use crate::conversation::Conversation;

/// The two principal components of a conversation's imputed rating matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Pca {
    /// Column means of the imputed matrix, one per statement (Pol.is `pca.center`), in vote units
    /// (agree `-1`, disagree `1`).
    pub center: Vec<f64>,
    /// Two unit vectors of length `n_statements` (Pol.is `pca.comps`); a zero vector where the
    /// data has no variance left. Their sign is arbitrary; we orient each so that its entries sum
    /// to a positive number, the sign power iteration from the all-ones vector gives.
    pub comps: [Vec<f64>; 2],
    /// Each statement's position, `[x, y]`, as a participant who voted agree on it alone
    /// (Pol.is `comment-projection`, here one pair per statement).
    pub comment_projection: Vec<[f64; 2]>,
    /// Each statement's distance from the origin in that projection (Pol.is `comment-extremity`).
    pub comment_extremity: Vec<f64>,
}

/// Up to this many statements, `XᵀX` is formed and decomposed densely (the Lanczos solver needs
/// more dimensions than its subspace; above, a full decomposition costs more than the solver).
const DENSE_MAX_STATEMENTS: usize = 2 * KRYLOV_MAX_DIM;

/// Krylov subspace dimensions of the Lanczos solver (faer `PartialEigenParams`).
const KRYLOV_MIN_DIM: usize = 16;
const KRYLOV_MAX_DIM: usize = 40;
/// When the Lanczos solver does not converge within its restarts, up to this many statements
/// the dense decomposition decides instead.
const DENSE_FALLBACK_MAX_STATEMENTS: usize = 4_000;

/// A component whose eigenvalue is below this share of the total variance (the trace of `XᵀX`) is
/// rounding noise: the data has no variance left in any direction, and the component is zero.
const NO_VARIANCE: f64 = 1e-12;

/// Rows are split into at most this many fixed chunks for the parallel passes; partial sums are
/// added in chunk order, so results do not depend on the number of threads.
const MAX_CHUNKS: usize = 64;

/// `XᵀX` of the centered matrix, applied from the conversation's sparse rows.
#[derive(Debug)]
pub(crate) struct Gram<'a> {
    conversation: &'a Conversation,
    center: &'a [f64],
    /// Row ranges of the parallel chunks.
    chunks: Vec<std::ops::Range<usize>>,
}

impl<'a> Gram<'a> {
    pub(crate) fn new(conversation: &'a Conversation, center: &'a [f64]) -> Gram<'a> {
        Gram { conversation, center, chunks: row_chunks(conversation) }
    }

    /// The centered votes of row `p`: `(column, vote - center)`, moderated-out columns skipped.
    fn centered_row(&self, p: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let (columns, values) = self.conversation.row_votes(p);
        let mod_out = self.conversation.mod_out_columns();
        columns.iter().zip(values).filter(|(&c, _)| !mod_out[c as usize]).map(|(&c, &v)| {
            let c = c as usize;
            (c, f64::from(v) - self.center[c])
        })
    }

    /// `out = XᵀX input` for each of the `k` columns of `input` (column-major, `n_cols × k`).
    ///
    /// For one column `y`: each participant's `x_p · y = Σ_j (v_pj yⱼ - cⱼyⱼ)` over their votes,
    /// then `(XᵀX y)ⱼ = Σ_p (x_p · y)(v_pj - cⱼ) = uⱼ - cⱼtⱼ` with `uⱼ = Σ_p (x_p · y) v_pj` and
    /// `tⱼ = Σ_p (x_p · y)` over the participants who voted on `j`. So each vote is read twice
    /// straight from the compressed rows, and the center only once per column.
    fn apply_to(&self, input: &[f64], k: usize) -> Vec<f64> {
        let n_cols = self.center.len();
        let mod_out = self.conversation.mod_out_columns();
        let mut output = vec![0.0; n_cols * k];
        for (input, output) in input.chunks(n_cols.max(1)).zip(output.chunks_mut(n_cols.max(1))).take(k) {
            // `[yⱼ, cⱼyⱼ]`, zero on moderated-out columns so that their votes add nothing.
            let paired: Vec<[f64; 2]> = (0..n_cols)
                .map(|c| if mod_out[c] { [0.0, 0.0] } else { [input[c], self.center[c] * input[c]] })
                .collect();
            let partials: Vec<Vec<[f64; 2]>> = self
                .chunks
                .par_iter()
                .map(|rows| {
                    // `[uⱼ, tⱼ]` over this chunk's rows.
                    let mut sums = vec![[0.0f64; 2]; n_cols];
                    for p in rows.clone() {
                        let (columns, values) = self.conversation.row_votes(p);
                        let mut dot = 0.0;
                        for (&c, &v) in columns.iter().zip(values) {
                            let [y, cy] = paired[c as usize];
                            dot += f64::from(v) * y - cy;
                        }
                        for (&c, &v) in columns.iter().zip(values) {
                            let sum = &mut sums[c as usize];
                            sum[0] += dot * f64::from(v);
                            sum[1] += dot;
                        }
                    }
                    sums
                })
                .collect();
            let mut total = vec![[0.0f64; 2]; n_cols];
            for partial in partials {
                for (t, x) in total.iter_mut().zip(partial) {
                    t[0] += x[0];
                    t[1] += x[1];
                }
            }
            for (c, out) in output.iter_mut().enumerate() {
                *out = if mod_out[c] { 0.0 } else { total[c][0] - self.center[c] * total[c][1] };
            }
        }
        output
    }

    /// The dense `XᵀX`, `n_cols × n_cols`.
    fn dense(&self) -> Mat<f64> {
        let n_cols = self.center.len();
        let partials: Vec<Vec<f64>> = self
            .chunks
            .par_iter()
            .map(|rows| {
                let mut sum = vec![0.0; n_cols * n_cols];
                let mut row: Vec<(usize, f64)> = Vec::new();
                for p in rows.clone() {
                    row.clear();
                    row.extend(self.centered_row(p));
                    for &(i, xi) in &row {
                        let column = &mut sum[i * n_cols..(i + 1) * n_cols];
                        for &(j, xj) in &row {
                            column[j] += xi * xj;
                        }
                    }
                }
                sum
            })
            .collect();
        let sum = add_in_order(partials, n_cols * n_cols);
        Mat::from_fn(n_cols, n_cols, |i, j| sum[j * n_cols + i])
    }

    /// The trace of `XᵀX`: the sum of squares of the centered votes.
    fn trace(&self) -> f64 {
        let partials: Vec<f64> = self
            .chunks
            .par_iter()
            .map(|rows| rows.clone().flat_map(|p| self.centered_row(p)).map(|(_, x)| x * x).sum())
            .collect();
        partials.into_iter().sum()
    }
}

impl LinOp<f64> for Gram<'_> {
    fn apply_scratch(&self, _rhs_ncols: usize, _par: Par) -> StackReq {
        StackReq::EMPTY
    }

    fn nrows(&self) -> usize {
        self.center.len()
    }

    fn ncols(&self) -> usize {
        self.center.len()
    }

    fn apply(&self, out: MatMut<'_, f64>, rhs: MatRef<'_, f64>, _par: Par, _stack: &mut MemStack) {
        let (n_cols, k) = (rhs.nrows(), rhs.ncols());
        let input: Vec<f64> = (0..k).flat_map(|j| (0..n_cols).map(move |i| rhs[(i, j)])).collect();
        let product = self.apply_to(&input, k);
        let mut out = out;
        for j in 0..k {
            for i in 0..n_cols {
                out[(i, j)] = product[j * n_cols + i];
            }
        }
    }

    fn conj_apply(&self, out: MatMut<'_, f64>, rhs: MatRef<'_, f64>, par: Par, stack: &mut MemStack) {
        // Real and symmetric: the conjugate is the operator itself.
        self.apply(out, rhs, par, stack);
    }
}

/// Up to this many statements, [`crate::Engine`] keeps [`PairSums`] (`16 n²` bytes, and `8 n²` for
/// the matrix formed from them: 24 MB at 1,000), so that after a vote `XᵀX` is formed again in
/// `O(n + votes²)` instead of a pass over the votes per Lanczos step; above, the memory is not
/// worth it and a full forming costs more than those passes.
pub(crate) const PAIR_SUMS_MAX_STATEMENTS: usize = 1_000;

/// [`PairSums::gram`] forms the whole matrix again when more than `1 / GRAM_REFORM_SHARE` of
/// its entries changed.
const GRAM_REFORM_SHARE: usize = 4;

/// Output rows of [`PairSums::new`] are filled in parallel bands of about this many entries.
const PAIR_SUMS_BAND: usize = 1 << 16;

/// Integer sums over every pair of statements `i ≤ j`, over the participants who voted on both:
/// `[n, Σ vᵢvⱼ, Σ vᵢ, Σ vⱼ]` with votes in Pol.is's sign (agree `-1`). Moderated-out statements
/// have none. `XᵀX` of the centered matrix follows for any center ([`PairSums::gram`]); being
/// integers, the sums are exact whatever order they are added in, and one changed vote changes
/// only its participant's pairs ([`PairSums::add_row`]).
#[derive(Debug, Clone)]
pub(crate) struct PairSums {
    n: usize,
    /// Row-major `n × n`; only entries `(i, j)` with `i ≤ j` are used.
    sums: Vec<[i32; 4]>,
    /// Where [`PairSums::gram`] forms `XᵀX`, kept with the center it was formed on so that the
    /// next one recomputes only the entries whose inputs changed (8 bytes per entry: 4.9 MB at
    /// 783 statements).
    gram: Vec<f64>,
    /// The center `gram` was formed on; empty when it was not formed.
    gram_center: Vec<f64>,
    /// The columns of each row added or removed since `gram` was formed: the pairs among them
    /// have new sums.
    changed_rows: Vec<Vec<u32>>,
}

impl PartialEq for PairSums {
    fn eq(&self, other: &PairSums) -> bool {
        (self.n, &self.sums) == (other.n, &other.sums)
    }
}

impl PairSums {
    /// The sums of a conversation's votes, `O(Σ_p votes_p²)` additions in parallel bands of
    /// statements.
    pub(crate) fn new(conversation: &Conversation) -> PairSums {
        let n = conversation.statements().len();
        let mut sums = vec![[0i32; 4]; n * n];
        let mod_out = conversation.mod_out_columns();
        let band_rows = (PAIR_SUMS_BAND / n.max(1)).max(1);
        sums.par_chunks_mut(band_rows * n.max(1)).enumerate().for_each(|(band, out)| {
            let low = (band * band_rows) as u32;
            let high = low + (out.len() / n) as u32;
            for p in 0..conversation.participants().len() {
                let (columns, values) = conversation.row_votes(p);
                let start = columns.partition_point(|&c| c < low);
                for a in start..columns.len() {
                    let i = columns[a];
                    if i >= high {
                        break;
                    }
                    if mod_out[i as usize] {
                        continue;
                    }
                    let row = &mut out[(i - low) as usize * n..][..n];
                    add_pairs(row, i32::from(values[a]), &columns[a..], &values[a..], mod_out, 1);
                }
            }
        });
        PairSums { n, sums, gram: Vec::new(), gram_center: Vec::new(), changed_rows: Vec::new() }
    }

    /// Adds (`weight` 1) or removes (`weight` -1) the pairs of one participant's votes, given as
    /// ascending columns and their values.
    pub(crate) fn add_row(&mut self, columns: &[u32], values: &[i8], mod_out: &[bool], weight: i32) {
        let n = self.n;
        if !self.gram_center.is_empty() {
            self.changed_rows.push(columns.to_vec());
            // Past a share of the matrix, it will all be formed again: the record is dropped
            // rather than grown without bound.
            if self.n_changed_pairs() > n * n / GRAM_REFORM_SHARE {
                self.gram_center.clear();
                self.changed_rows.clear();
            }
        }
        for a in 0..columns.len() {
            let i = columns[a] as usize;
            if mod_out[i] {
                continue;
            }
            let row = &mut self.sums[i * n..][..n];
            add_pairs(row, i32::from(values[a]), &columns[a..], &values[a..], mod_out, weight);
        }
    }

    /// About how many entries of the matrix the rows added or removed since it was formed change.
    fn n_changed_pairs(&self) -> usize {
        self.changed_rows.iter().map(|row| row.len() * (row.len() + 1) / 2).sum()
    }

    /// The number of statements.
    pub(crate) fn n_statements(&self) -> usize {
        self.n
    }

    /// `XᵀX` of the matrix centered on `center` (one entry per statement), `n × n`, its lower
    /// triangle formed column by column in parallel (each column reads one row of the sums in
    /// order).
    ///
    /// When it was formed before, only the entries whose inputs changed since are formed again:
    /// those of a statement whose center changed (to the bit), and the pairs of the rows added or
    /// removed. Each entry is computed by the same expression from the same numbers, so the
    /// matrix is the one formed afresh, to the bit. A vote changes one statement's center and
    /// one participant's pairs: `O(n + votes²)` instead of `O(n²)`; unless a new participant
    /// changed every center's last bits, when it is all formed again.
    fn gram(&mut self, center: &[f64]) -> LowerGram<'_> {
        let n = self.n;
        let sums = &self.sums;
        let entry = |i: usize, j: usize| {
            let [both, product, sum_i, sum_j] = sums[i * n + j].map(f64::from);
            product - center[j] * sum_i - center[i] * sum_j + both * center[i] * center[j]
        };
        let moved: Vec<usize> = if self.gram_center.len() == n {
            (0..n).filter(|&i| center[i].to_bits() != self.gram_center[i].to_bits()).collect()
        } else {
            (0..n).collect()
        };
        if moved.len() * n + self.n_changed_pairs() > n * n / GRAM_REFORM_SHARE {
            self.gram.resize(n * n, 0.0);
            self.gram.par_chunks_mut(n.max(1)).enumerate().with_min_len(16).for_each(|(i, column)| {
                for (j, value) in column.iter_mut().enumerate().skip(i) {
                    *value = entry(i, j);
                }
            });
        } else {
            let lower = &mut self.gram;
            for &i in &moved {
                // Entries (i, j) for j ≥ i (column i) and (j, i) for j < i (row i).
                for j in 0..n {
                    let (low, high) = (i.min(j), i.max(j));
                    lower[low * n + high] = entry(low, high);
                }
            }
            for row in &self.changed_rows {
                for (a, &i) in row.iter().enumerate() {
                    for &j in &row[a..] {
                        let (i, j) = (i as usize, j as usize);
                        lower[i * n + j] = entry(i, j);
                    }
                }
            }
        }
        self.gram_center.clear();
        self.gram_center.extend_from_slice(center);
        self.changed_rows.clear();
        LowerGram { n, lower: &self.gram }
    }

    /// The column means of the imputed rating matrix ([`centers`]) of the conversation these are
    /// the sums of, which has `n_participants` participants: the diagonal holds each statement's
    /// number of votes and their sum. A moderated-out statement, which has no sums, gets `0` as
    /// in [`centers`].
    pub(crate) fn centers(&self, n_participants: usize) -> Vec<f64> {
        let n = self.n;
        (0..n)
            .map(|s| {
                let [count, _, sum, _] = self.sums[s * n + s];
                if count == 0 {
                    return 0.0;
                }
                // The formula of [`centers`], term by term, on the same integers.
                let (sum, count) = (i64::from(sum), count as usize);
                let column_mean = sum as f64 / count as f64;
                let n_missing = n_participants - count;
                (sum as f64 + n_missing as f64 * column_mean) / n_participants as f64
            })
            .collect()
    }
}

/// `XᵀX` formed from [`PairSums`], column-major, of which only the lower triangle (entries
/// `(r, c)` with `r ≥ c`, at `c n + r`) is formed: all the dense decomposition reads
/// (`Side::Lower`). As an operator it is applied as the symmetric matrix, each stored entry read
/// once per product.
#[derive(Debug)]
struct LowerGram<'a> {
    n: usize,
    lower: &'a [f64],
}

/// [`LowerGram`]'s product is summed in this many bands of columns of about equal work, in
/// parallel, then added in band order: the result does not depend on the number of threads.
const LOWER_GRAM_BANDS: usize = 4;

impl LowerGram<'_> {
    /// Entry `(i, i)`.
    fn diagonal(&self, i: usize) -> f64 {
        self.lower[i * self.n + i]
    }

    /// The full symmetric matrix, for the dense decomposition.
    fn to_dense(&self) -> Mat<f64> {
        let n = self.n;
        Mat::from_fn(n, n, |r, c| self.lower[r.min(c) * n + r.max(c)])
    }

    /// `A x` for one vector `x`.
    fn product(&self, input: &[f64]) -> Vec<f64> {
        let n = self.n;
        // Band starts: column c holds n - c entries, so the bands split the triangle's area.
        let total = (n * (n + 1) / 2) as f64;
        let mut starts: Vec<usize> = (0..LOWER_GRAM_BANDS)
            .map(|b| {
                let share = b as f64 / LOWER_GRAM_BANDS as f64;
                // Columns 0..c hold c (2n - c + 1) / 2 entries; solve for c at `share · total`.
                let n = n as f64;
                let c =
                    (2.0 * n + 1.0 - ((2.0 * n + 1.0).powi(2) - 8.0 * share * total).max(0.0).sqrt()) / 2.0;
                (c.floor() as usize).min(self.n)
            })
            .collect();
        starts.push(n);
        starts.dedup();
        let partials: Vec<Vec<f64>> = starts
            .par_windows(2)
            .map(|band| {
                let mut product = vec![0.0; n];
                for c in band[0]..band[1] {
                    let column = &self.lower[c * n + c..(c + 1) * n];
                    let x_c = input[c];
                    // Entry (r, c) below the diagonal also stands for (c, r). The dot product is
                    // summed in four lanes, so that its additions do not each wait on the last.
                    let (below, inputs) = (&column[1..], &input[c + 1..]);
                    let mut lanes = [0.0f64; 4];
                    let mut ys = product[c + 1..].chunks_exact_mut(4);
                    let (mut a4, mut x4) = (below.chunks_exact(4), inputs.chunks_exact(4));
                    for ((y, a), x) in (&mut ys).zip(&mut a4).zip(&mut x4) {
                        for k in 0..4 {
                            y[k] += a[k] * x_c;
                            lanes[k] += a[k] * x[k];
                        }
                    }
                    let mut dot = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
                    let tail = ys.into_remainder().iter_mut().zip(a4.remainder()).zip(x4.remainder());
                    for ((y, &a), &x) in tail {
                        *y += a * x_c;
                        dot += a * x;
                    }
                    product[c] += column[0] * x_c + dot;
                }
                product
            })
            .collect();
        add_in_order(partials, n)
    }
}

impl LinOp<f64> for LowerGram<'_> {
    fn apply_scratch(&self, _rhs_ncols: usize, _par: Par) -> StackReq {
        StackReq::EMPTY
    }

    fn nrows(&self) -> usize {
        self.n
    }

    fn ncols(&self) -> usize {
        self.n
    }

    fn apply(&self, out: MatMut<'_, f64>, rhs: MatRef<'_, f64>, _par: Par, _stack: &mut MemStack) {
        let mut out = out;
        for k in 0..rhs.ncols() {
            let input: Vec<f64> = (0..self.n).map(|i| rhs[(i, k)]).collect();
            for (i, y) in self.product(&input).into_iter().enumerate() {
                out[(i, k)] = y;
            }
        }
    }

    fn conj_apply(&self, out: MatMut<'_, f64>, rhs: MatRef<'_, f64>, par: Par, stack: &mut MemStack) {
        // Real and symmetric: the conjugate is the operator itself.
        self.apply(out, rhs, par, stack);
    }
}

/// Adds `weight` times the pairs `(i, j)` of vote `value_i` on `i = columns[0]` with each vote
/// `values[b]` on `j = columns[b]` (`j ≥ i`) into `row`, statement `i`'s row of the sums.
#[inline]
fn add_pairs(
    row: &mut [[i32; 4]],
    value_i: i32,
    columns: &[u32],
    values: &[i8],
    mod_out: &[bool],
    weight: i32,
) {
    // What a vote of -1, 0 or 1 on `j` adds, looked up instead of multiplied.
    let add =
        [-1, 0, 1].map(|value_j| [weight, weight * value_i * value_j, weight * value_i, weight * value_j]);
    for (&j, &value_j) in columns.iter().zip(values) {
        if mod_out[j as usize] {
            continue;
        }
        let add = add[(value_j + 1) as usize];
        let entry = &mut row[j as usize];
        *entry = [entry[0] + add[0], entry[1] + add[1], entry[2] + add[2], entry[3] + add[3]];
    }
}

/// Fixed row ranges of about equal numbers of votes.
fn row_chunks(conversation: &Conversation) -> Vec<std::ops::Range<usize>> {
    let n_rows = conversation.participants().len();
    let n_chunks = (conversation.n_votes() / 16_384 + 1).min(MAX_CHUNKS).min(n_rows.max(1));
    let per_chunk = conversation.n_votes().div_ceil(n_chunks).max(1);
    let mut chunks = Vec::with_capacity(n_chunks);
    let (mut start, mut votes) = (0, 0);
    for p in 0..n_rows {
        votes += conversation.row_votes(p).0.len();
        if votes >= per_chunk {
            chunks.push(start..p + 1);
            start = p + 1;
            votes = 0;
        }
    }
    if start < n_rows {
        chunks.push(start..n_rows);
    }
    chunks
}

fn add_in_order(partials: Vec<Vec<f64>>, len: usize) -> Vec<f64> {
    let mut total = vec![0.0; len];
    for partial in partials {
        for (t, x) in total.iter_mut().zip(partial) {
            *t += x;
        }
    }
    total
}

/// Column means of the imputed rating matrix (`conversation.clj` `:mat`, `pca.clj` `powerit-pca`):
/// the voted values plus the column mean in every unvoted cell, over all participants. A
/// moderated-out column is all `0` in the rating matrix, so its center is `0`.
pub(crate) fn centers(conversation: &Conversation) -> Vec<f64> {
    let n_statements = conversation.statements().len();
    let mut sums = vec![0i64; n_statements];
    let mut counts = vec![0usize; n_statements];
    for p in 0..conversation.participants().len() {
        let (columns, values) = conversation.row_votes(p);
        for (&c, &v) in columns.iter().zip(values) {
            sums[c as usize] += i64::from(v);
            counts[c as usize] += 1;
        }
    }
    let n_participants = conversation.participants().len();
    (0..n_statements)
        .map(|s| {
            if conversation.is_mod_out(s) {
                return 0.0;
            }
            // A column always has a vote; the formula is Pol.is's, term by term.
            let column_mean = sums[s] as f64 / counts[s].max(1) as f64;
            let n_missing = n_participants - counts[s];
            (sums[s] as f64 + n_missing as f64 * column_mean) / n_participants as f64
        })
        .collect()
}

/// The top two eigenpairs of `XᵀX`, eigenvalues descending; fewer when the solver returns fewer.
/// `gram` is `XᵀX` as a dense matrix (from [`PairSums`]) or as the matrix-free [`Gram`], whose
/// dense form is built only when the Lanczos solver needs a fallback. With `warm`, the components
/// of a previous update, the Lanczos solver starts from their sum, which converges in fewer passes
/// when the data changed little.
fn top_eigenvectors(
    gram: GramForm<'_>,
    n_rows: usize,
    trace: f64,
    max_restarts: usize,
    warm: Option<&[Vec<f64>; 2]>,
) -> Vec<(f64, Vec<f64>)> {
    let n_cols = match &gram {
        GramForm::Dense(matrix) => matrix.n,
        GramForm::Free(gram) => gram.nrows(),
    };
    // Few statements, or few participants (a Krylov space of low-rank data breaks down before it
    // reaches the solver's subspace size): the dense decomposition.
    let few_rows = n_rows <= DENSE_MAX_STATEMENTS && n_cols <= DENSE_FALLBACK_MAX_STATEMENTS;
    if n_cols <= DENSE_MAX_STATEMENTS || few_rows {
        return dense_top_eigenvectors(gram.into_dense().as_ref());
    }
    let operator: &dyn LinOp<f64> = match &gram {
        GramForm::Dense(matrix) => matrix,
        GramForm::Free(gram) => gram,
    };
    // Pol.is starts power iteration from a vector of ones; so does the Krylov space here, unless
    // warm-started.
    let start: Vec<f64> = match warm {
        Some([first, second]) if first.len() == n_cols && second.len() == n_cols => {
            (0..n_cols).map(|i| first[i] + second[i]).collect()
        }
        _ => vec![1.0; n_cols],
    };
    // The residual norm `|XᵀX u - λ u|` is compared to this absolute tolerance; scaled by the
    // trace (the sum of all eigenvalues) it is relative to the data.
    let tolerance = 1e-14 * trace.max(f64::MIN_POSITIVE);
    if let Some(pairs) = lanczos_top_two(operator, &start, tolerance) {
        return pairs;
    }
    // Not converged in `LANCZOS_MAX_STEPS`: faer's restarted solver, then the dense decomposition.
    let params = faer::matrix_free::eigen::PartialEigenParams {
        min_dim: KRYLOV_MIN_DIM,
        max_dim: KRYLOV_MAX_DIM,
        max_restarts,
        ..Default::default()
    };
    let par = Par::Seq;
    let mut memory =
        MemBuffer::new(faer::matrix_free::eigen::partial_eigen_scratch(operator, 2, par, params));
    let mut vectors = Mat::<f64>::zeros(n_cols, 2);
    let mut values = [0.0; 2];
    let info = faer::matrix_free::eigen::partial_self_adjoint_eigen(
        vectors.as_mut(),
        &mut values,
        operator,
        faer::ColRef::from_slice(&start),
        tolerance,
        par,
        MemStack::new(&mut memory),
        params,
    );
    if info.n_converged_eigen < 2 && n_cols <= DENSE_FALLBACK_MAX_STATEMENTS {
        return dense_top_eigenvectors(gram.into_dense().as_ref());
    }
    (0..info.n_converged_eigen.min(2))
        .map(|j| (values[j], (0..n_cols).map(|r| vectors[(r, j)]).collect()))
        .collect()
}

/// The most Lanczos steps [`lanczos_top_two`] takes before it gives up.
const LANCZOS_MAX_STEPS: usize = 300;

/// The top two eigenpairs of the symmetric `operator` by the Lanczos process with full
/// reorthogonalization (Golub and Van Loan, *Matrix Computations*, 4th ed., §10.1), from `start`;
/// `None` when the Ritz pairs have not converged to residual norms `|A u - θ u| ≤ tolerance` within
/// [`LANCZOS_MAX_STEPS`] steps, or when the Krylov space holds fewer than two directions.
///
/// Each step is one product with the operator (one pass over the votes) and the Ritz residuals are
/// checked after each step, so a conversation whose top eigenvalues stand apart from the rest costs
/// a dozen passes; faer's restarted solver always builds a subspace of at least 64.
fn lanczos_top_two(operator: &dyn LinOp<f64>, start: &[f64], tolerance: f64) -> Option<Vec<(f64, Vec<f64>)>> {
    let n = start.len();
    let norm = dot(start, start).sqrt();
    if n < 2 || norm == 0.0 || !norm.is_finite() {
        return None;
    }
    let par = Par::Seq;
    let mut memory = MemBuffer::new(operator.apply_scratch(1, par));
    let mut basis: Vec<Vec<f64>> = vec![start.iter().map(|x| x / norm).collect()];
    let (mut alpha, mut beta): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
    let mut product = Mat::<f64>::zeros(n, 1);
    for step in 0..LANCZOS_MAX_STEPS.min(n) {
        let q = &basis[step];
        operator.apply(
            product.as_mut(),
            faer::ColRef::from_slice(q).as_mat(),
            par,
            MemStack::new(&mut memory),
        );
        let mut w: Vec<f64> = (0..n).map(|i| product[(i, 0)]).collect();
        alpha.push(dot(q, &w));
        // Full reorthogonalization against every basis vector, twice ("twice is enough").
        for _ in 0..2 {
            for v in &basis {
                let r = dot(v, &w);
                w.iter_mut().zip(v).for_each(|(w, v)| *w -= r * v);
            }
        }
        let next_beta = dot(&w, &w).sqrt();
        let m = alpha.len();
        let invariant = next_beta <= f64::EPSILON * alpha.iter().fold(0.0f64, |a, x| a.max(x.abs()));
        if m >= 2 && (invariant || m <= 40 || m % 10 == 0 || m == LANCZOS_MAX_STEPS.min(n)) {
            // The Ritz pairs of the tridiagonal T = tridiag(beta, alpha, beta).
            let t = Mat::from_fn(m, m, |i, j| match i.abs_diff(j) {
                0 => alpha[i],
                1 => beta[i.min(j)],
                _ => 0.0,
            });
            let eigen = t.self_adjoint_eigen(Side::Lower).ok()?;
            let (values, vectors) = (eigen.S(), eigen.U());
            let top = [m - 1, m - 2];
            let converged =
                invariant || top.iter().all(|&j| next_beta * vectors[(m - 1, j)].abs() <= tolerance);
            if converged {
                return Some(
                    top.iter()
                        .map(|&j| {
                            let mut u = vec![0.0; n];
                            for (k, v) in basis.iter().enumerate() {
                                let s = vectors[(k, j)];
                                u.iter_mut().zip(v).for_each(|(u, v)| *u += s * v);
                            }
                            let length = dot(&u, &u).sqrt();
                            u.iter_mut().for_each(|x| *x /= length);
                            (values[j], u)
                        })
                        .collect(),
                );
            }
        }
        if invariant {
            return None;
        }
        beta.push(next_beta);
        basis.push(w.iter().map(|x| x / next_beta).collect());
    }
    None
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

/// `XᵀX`, formed or applied from the votes.
enum GramForm<'a> {
    Dense(LowerGram<'a>),
    Free(Gram<'a>),
}

impl GramForm<'_> {
    /// The matrix, of which the dense decomposition reads the lower triangle.
    fn into_dense(self) -> Mat<f64> {
        match self {
            GramForm::Dense(matrix) => matrix.to_dense(),
            GramForm::Free(gram) => gram.dense(),
        }
    }
}

/// The top two eigenpairs from the dense self-adjoint decomposition of `XᵀX`.
fn dense_top_eigenvectors(gram: MatRef<'_, f64>) -> Vec<(f64, Vec<f64>)> {
    let n_cols = gram.nrows();
    let Ok(eigen) = gram.self_adjoint_eigen(Side::Lower) else {
        return Vec::new();
    };
    // Eigenvalues come in ascending order.
    let (values, vectors) = (eigen.S(), eigen.U());
    (0..n_cols.min(2))
        .map(|i| {
            let j = n_cols - 1 - i;
            (values[j], (0..n_cols).map(|r| vectors[(r, j)]).collect())
        })
        .collect()
}

/// The two principal components of the conversation (`pca.clj`, `powerit-pca`): the top two
/// eigenvectors of `XᵀX`, each a zero vector where there is no variance left, oriented as power
/// iteration from the all-ones vector would (entries summing to a positive number).
/// `max_restarts` bounds the Lanczos solver's restarts (see [`crate::Settings::pca_iters`]);
/// `warm`, the components of a previous update, speeds it up (Pol.is also starts each update's
/// power iteration from the last components). With `pair_sums`, which must be the conversation's
/// ([`PairSums::new`], kept by [`crate::Engine`]), `XᵀX` is formed from them; without, it is applied
/// from the votes, which costs one pass over the votes per Lanczos step (a dozen on the benchmarks)
/// instead of `O(Σ_p votes_p²)` to form the sums.
pub(crate) fn pca(
    conversation: &Conversation,
    max_restarts: usize,
    warm: Option<&[Vec<f64>; 2]>,
    pair_sums: Option<&mut PairSums>,
) -> Pca {
    let n_rows = conversation.participants().len();
    let center = match &pair_sums {
        Some(sums) => sums.centers(n_rows),
        None => centers(conversation),
    };
    let n_cols = center.len();
    let gram = match pair_sums {
        Some(sums) => {
            debug_assert_eq!(sums.n_statements(), n_cols, "pair sums of another conversation");
            GramForm::Dense(sums.gram(&center))
        }
        None => GramForm::Free(Gram::new(conversation, &center)),
    };
    let trace = match &gram {
        GramForm::Dense(matrix) => (0..n_cols).map(|i| matrix.diagonal(i)).sum(),
        GramForm::Free(gram) => gram.trace(),
    };
    let mut comps = [vec![0.0; n_cols], vec![0.0; n_cols]];
    // Pol.is finds min(2, n_rows, n_cols) components; a missing one is a zero vector here.
    let n_components = 2.min(n_rows).min(n_cols);
    if trace > 0.0 && n_components > 0 {
        for (i, (value, mut vector)) in top_eigenvectors(gram, n_rows, trace, max_restarts, warm)
            .into_iter()
            .take(n_components)
            .enumerate()
        {
            if value <= NO_VARIANCE * trace {
                continue;
            }
            orient(&mut vector);
            comps[i] = vector;
        }
    }
    // pca-project-cmnts: statement i projected as a participant with a single -1 (agree) on i.
    let scale = (n_cols as f64).sqrt();
    let comment_projection: Vec<[f64; 2]> = (0..n_cols)
        .map(|i| {
            let x = -1.0 - center[i];
            [scale * (x * comps[0][i]), scale * (x * comps[1][i])]
        })
        .collect();
    let comment_extremity = comment_projection.iter().map(|[x, y]| (x * x + y * y).sqrt()).collect();
    Pca { center, comps, comment_projection, comment_extremity }
}

/// Flips a unit vector so that its entries sum to a positive number (the sign power iteration
/// from the all-ones vector converges to); when they sum to zero, its first non-zero entry is made
/// positive.
fn orient(vector: &mut [f64]) {
    let sum: f64 = vector.iter().sum();
    let first = vector.iter().copied().find(|&x| x != 0.0).unwrap_or(0.0);
    let flip = if sum.abs() > 1e-9 { sum < 0.0 } else { first < 0.0 };
    if flip {
        vector.iter_mut().for_each(|x| *x = -*x);
    }
}

/// Each participant's position `[x, y]`, in row order (`pca.clj`, `sparsity-aware-project-ptpt`):
/// the centered votes they cast, projected on the components, scaled by
/// `sqrt(n_statements / max(n_votes, 1))` so that sparse voters are not pulled to the center.
/// Moderated-out columns count as votes of `0` for every participant, as in Pol.is's `rating-mat`.
pub(crate) fn project_participants(conversation: &Conversation, pca: &Pca) -> Vec<[f64; 2]> {
    let n_cols = conversation.statements().len();
    let mod_out = conversation.mod_out_columns();
    let n_mod_out = mod_out.iter().filter(|&&m| m).count();
    // What a vote `v` on column `c` adds, `(v - cₖ) · compₖ`, looked up at `3c + v + 1`; zero on a
    // moderated-out column, whose votes add nothing.
    let added: Vec<[f64; 2]> = (0..n_cols)
        .flat_map(|c| {
            [-1i8, 0, 1].map(|v| {
                if mod_out[c] {
                    return [0.0, 0.0];
                }
                let centered = f64::from(v) - pca.center[c];
                [centered * pca.comps[0][c], centered * pca.comps[1][c]]
            })
        })
        .collect();
    (0..conversation.participants().len())
        .into_par_iter()
        .with_min_len(4_096)
        .map(|p| {
            let (columns, values) = conversation.row_votes(p);
            // Two sums per coordinate, over alternate votes, so that the additions do not all
            // wait on one another.
            let mut sums = [[0.0f64; 2]; 2];
            let (pairs, rest) = columns.split_at(columns.len() & !1);
            for (pair, vote_pair) in pairs.chunks_exact(2).zip(values.chunks_exact(2)) {
                for lane in 0..2 {
                    let [x, y] = added[3 * pair[lane] as usize + (vote_pair[lane] + 1) as usize];
                    sums[lane][0] += x;
                    sums[lane][1] += y;
                }
            }
            if let (Some(&c), Some(&v)) = (rest.first(), values.last()) {
                let [x, y] = added[3 * c as usize + (v + 1) as usize];
                sums[0][0] += x;
                sums[0][1] += y;
            }
            let n_votes = n_mod_out
                + if n_mod_out == 0 {
                    columns.len()
                } else {
                    columns.iter().filter(|&&c| !mod_out[c as usize]).count()
                };
            let scale = (n_cols as f64 / n_votes.max(1) as f64).sqrt();
            [scale * (sums[0][0] + sums[1][0]), scale * (sums[0][1] + sums[1][1])]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::{Moderation, SignConvention, Statement, VoteRow};

    /// A seeded conversation of 300 participants on 50 statements, statement 7 moderated out.
    fn conversation() -> Conversation {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut rows = Vec::new();
        for participant in 0..300 {
            for statement in 0..50 {
                if next() % 3 == 0 {
                    let vote = (next() % 3) as i64 - 1;
                    rows.push(VoteRow { participant, statement, vote, modified: 0 });
                }
            }
        }
        let statements: Vec<Statement> = (0..50)
            .map(|id| Statement {
                id,
                moderation: if id == 7 { Moderation::Rejected } else { Moderation::Unmoderated },
                is_meta: false,
            })
            .collect();
        Conversation::new(&rows, SignConvention::AgreeIsPositive, Some(&statements)).expect("valid votes")
    }

    #[test]
    fn the_gram_matrix_from_pair_sums_is_the_one_summed_from_centered_votes() {
        let conversation = conversation();
        let center = centers(&conversation);
        let mut sums = PairSums::new(&conversation);
        let from_sums = sums.gram(&center).to_dense();
        let summed = Gram::new(&conversation, &center).dense();
        let n = center.len();
        for i in 0..n {
            for j in 0..n {
                assert!((from_sums[(i, j)] - summed[(i, j)]).abs() < 1e-9, "entry ({i}, {j})");
            }
        }
        assert!((0..n).all(|j| from_sums[(7, j)] == 0.0), "the moderated-out statement has no pairs");
    }

    #[test]
    fn a_gram_matrix_formed_again_after_votes_is_the_one_formed_afresh_to_the_bit() {
        // Votes as the engine records them: the participant's row taken out of the sums and put
        // back after the vote, then the matrix formed on the new centers. Some votes are by new
        // participants (every center may then change) and some change many rows at once.
        // Statement 49 is agreed by everyone who voted on it: another agree leaves its center at
        // -1 to the bit while its pairs change.
        let mut conversation = conversation();
        let on_49: Vec<i64> =
            (0..300).filter(|&row| conversation.vote(row, 49).is_some()).map(|row| row as i64).collect();
        for &participant in &on_49 {
            conversation.set_vote(participant, 49, -1).unwrap();
        }
        let not_on_49: Vec<i64> = (0..300).filter(|p| !on_49.contains(p)).collect();
        let mut sums = PairSums::new(&conversation);
        let n = conversation.statements().len();
        let mod_out = conversation.mod_out_columns().to_vec();
        let center = sums.centers(conversation.participants().len());
        assert_eq!(center[49], -1.0);
        sums.gram(&center);
        for round in 0..40i64 {
            let n_votes = match round % 10 {
                9 => 120,
                1 | 6 => 1,
                _ => 1 + round % 3,
            };
            for k in 0..n_votes {
                let participant = if round % 7 == 3 { 1_000 + round } else { (round * 37 + k * 11) % 300 };
                let statement = (round * 13 + k * 7) % 50;
                let (participant, statement) =
                    if round % 5 == 1 { (not_on_49[round as usize], 49) } else { (participant, statement) };
                let before = conversation.participant_index(participant).map(|row| {
                    let (columns, values) = conversation.row_votes(row);
                    (columns.to_vec(), values.to_vec())
                });
                let vote = if statement == 49 { -1 } else { ((round + k) % 3 - 1) as i8 };
                conversation.set_vote(participant, statement, vote).unwrap();
                if let Some((columns, values)) = before {
                    sums.add_row(&columns, &values, &mod_out, -1);
                }
                let row = conversation.participant_index(participant).unwrap();
                let (columns, values) = conversation.row_votes(row);
                sums.add_row(columns, values, &mod_out, 1);
            }
            let center = sums.centers(conversation.participants().len());
            let kept = sums.gram(&center).to_dense();
            let fresh = PairSums::new(&conversation).gram(&center).to_dense();
            for i in 0..n {
                for j in 0..n {
                    assert_eq!(kept[(i, j)].to_bits(), fresh[(i, j)].to_bits(), "round {round}, ({i}, {j})");
                }
            }
        }
    }

    #[test]
    fn the_centers_from_pair_sums_are_the_centers_from_the_votes() {
        let conversation = conversation();
        let from_votes = centers(&conversation);
        assert_eq!(from_votes[7], 0.0, "the moderated-out statement is centered on 0");
        assert_eq!(PairSums::new(&conversation).centers(conversation.participants().len()), from_votes);
    }

    #[test]
    fn the_lower_triangle_applied_as_an_operator_is_the_full_symmetric_product() {
        let conversation = conversation();
        let center = centers(&conversation);
        let mut sums = PairSums::new(&conversation);
        let lower = sums.gram(&center);
        let full = Gram::new(&conversation, &center).dense();
        let n = center.len();
        let input = Mat::from_fn(n, 2, |i, k| ((i * 37 + k * 5) % 11) as f64 - 5.0);
        let mut product = Mat::<f64>::zeros(n, 2);
        let mut memory = MemBuffer::new(StackReq::EMPTY);
        lower.apply(product.as_mut(), input.as_ref(), Par::Seq, MemStack::new(&mut memory));
        for k in 0..2 {
            for i in 0..n {
                let expected: f64 = (0..n).map(|j| full[(i, j)] * input[(j, k)]).sum();
                assert!((product[(i, k)] - expected).abs() < 1e-9, "vector {k}, entry {i}");
            }
        }
    }

    #[test]
    fn participants_are_projected_by_the_sparsity_aware_formula() {
        // pca.clj, sparsity-aware-project-ptpt, written out over the dense rating matrix: the
        // moderated-out column is a 0 for everyone, so it counts as voted.
        let conversation = conversation();
        let pca = pca(&conversation, 100, None, None);
        let n_cols = conversation.statements().len();
        let positions = project_participants(&conversation, &pca);
        for (p, position) in positions.iter().enumerate() {
            let (mut n_votes, mut x, mut y) = (0usize, 0.0, 0.0);
            for c in 0..n_cols {
                let vote = if conversation.is_mod_out(c) { Some(0) } else { conversation.vote(p, c) };
                if let Some(vote) = vote {
                    n_votes += 1;
                    let centered = f64::from(vote) - pca.center[c];
                    x += centered * pca.comps[0][c];
                    y += centered * pca.comps[1][c];
                }
            }
            let scale = (n_cols as f64 / n_votes.max(1) as f64).sqrt();
            assert!((position[0] - scale * x).abs() < 1e-12, "participant row {p}, x");
            assert!((position[1] - scale * y).abs() < 1e-12, "participant row {p}, y");
        }
    }

    #[test]
    fn removing_and_adding_a_row_changes_only_that_participants_pairs() {
        let mut conversation = conversation();
        let mut sums = PairSums::new(&conversation);
        let (columns, values) = conversation.row_votes(4);
        let (columns, values) = (columns.to_vec(), values.to_vec());
        conversation.set_vote(conversation.participants()[4], 3, 1).expect("a known statement");
        let mod_out = conversation.mod_out_columns().to_vec();
        sums.add_row(&columns, &values, &mod_out, -1);
        let (columns, values) = conversation.row_votes(4);
        sums.add_row(columns, values, &mod_out, 1);
        assert_eq!(sums, PairSums::new(&conversation));
    }

    #[test]
    fn the_matrix_free_product_is_the_dense_gram_times_the_vector() {
        let conversation = conversation();
        let center = centers(&conversation);
        let gram = Gram::new(&conversation, &center);
        let mut sums = PairSums::new(&conversation);
        let lower = sums.gram(&center).to_dense();
        let dense = |i: usize, j: usize| lower[(i, j)];
        let n = center.len();
        let input: Vec<f64> = (0..2 * n).map(|i| ((i * 37) % 11) as f64 - 5.0).collect();
        let product = gram.apply_to(&input, 2);
        for k in 0..2 {
            for i in 0..n {
                let expected: f64 = (0..n).map(|j| dense(i, j) * input[k * n + j]).sum();
                assert!((product[k * n + i] - expected).abs() < 1e-9, "vector {k}, entry {i}");
            }
        }
    }

    #[test]
    fn lanczos_finds_the_top_two_eigenpairs_of_the_dense_decomposition() {
        let conversation = conversation();
        let center = centers(&conversation);
        let mut sums = PairSums::new(&conversation);
        let gram = sums.gram(&center);
        let trace: f64 = (0..center.len()).map(|i| gram.diagonal(i)).sum();
        let start = vec![1.0; center.len()];
        let lanczos = lanczos_top_two(&gram, &start, 1e-14 * trace).expect("converges on 50 statements");
        let exact = dense_top_eigenvectors(gram.to_dense().as_ref());
        for ((value, vector), (exact_value, exact_vector)) in lanczos.iter().zip(&exact) {
            assert!((value - exact_value).abs() < 1e-9 * trace, "eigenvalue {value} against {exact_value}");
            let sign = dot(vector, exact_vector).signum();
            let worst =
                vector.iter().zip(exact_vector).map(|(a, b)| (a - sign * b).abs()).fold(0.0, f64::max);
            assert!(worst < 1e-8, "eigenvector differs by {worst}");
        }
    }
}
