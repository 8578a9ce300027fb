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
//! The matrix is never formed. `X` is the centered imputed matrix: an unvoted cell holds the
//! column mean, which is also the center, so once centered it is exactly zero, and a moderated-out
//! column is all zero with a center of zero. So `X` has the sparsity of the votes, and
//! `XᵀX v = Σ_p (x_p · v) x_p` over each participant's votes `x_p`, read from the conversation's
//! compressed rows with the center subtracted on the fly.

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
    fn apply_to(&self, input: &[f64], k: usize) -> Vec<f64> {
        let n_cols = self.center.len();
        let partials: Vec<Vec<f64>> = self
            .chunks
            .par_iter()
            .map(|rows| {
                let mut sum = vec![0.0; n_cols * k];
                let mut row: Vec<(usize, f64)> = Vec::new();
                for p in rows.clone() {
                    row.clear();
                    row.extend(self.centered_row(p));
                    for j in 0..k {
                        let (input, sum) = (&input[j * n_cols..], &mut sum[j * n_cols..]);
                        let weight: f64 = row.iter().map(|&(c, x)| x * input[c]).sum();
                        for &(c, x) in &row {
                            sum[c] += weight * x;
                        }
                    }
                }
                sum
            })
            .collect();
        add_in_order(partials, n_cols * k)
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
/// With `warm`, the components of a previous update, the Lanczos solver starts from their sum,
/// which converges in fewer passes when the data changed little.
fn top_eigenvectors(
    gram: &Gram<'_>,
    max_restarts: usize,
    warm: Option<&[Vec<f64>; 2]>,
) -> Vec<(f64, Vec<f64>)> {
    let n_cols = gram.nrows();
    let n_rows = gram.conversation.participants().len();
    // Few statements, or few participants (a Krylov space of low-rank data breaks down before it
    // reaches the solver's subspace size): the dense decomposition.
    let few_rows = n_rows <= DENSE_MAX_STATEMENTS && n_cols <= DENSE_FALLBACK_MAX_STATEMENTS;
    if n_cols <= DENSE_MAX_STATEMENTS || few_rows {
        return dense_top_eigenvectors(gram);
    }
    let params = faer::matrix_free::eigen::PartialEigenParams {
        min_dim: KRYLOV_MIN_DIM,
        max_dim: KRYLOV_MAX_DIM,
        max_restarts,
        ..Default::default()
    };
    let par = Par::Seq;
    let mut memory = MemBuffer::new(faer::matrix_free::eigen::partial_eigen_scratch(gram, 2, par, params));
    let mut vectors = Mat::<f64>::zeros(n_cols, 2);
    let mut values = [0.0; 2];
    // Pol.is starts power iteration from a vector of ones; so does the Krylov space here, unless
    // warm-started.
    let start = match warm {
        Some([first, second]) => faer::Col::<f64>::from_fn(n_cols, |i| first[i] + second[i]),
        None => faer::Col::<f64>::from_fn(n_cols, |_| 1.0),
    };
    // faer compares the residual norm `|XᵀX u - λ u|` to this absolute tolerance; scaled by the
    // trace (the sum of all eigenvalues) it is relative to the data.
    let tolerance = 1e-14 * gram.trace().max(f64::MIN_POSITIVE);
    let info = faer::matrix_free::eigen::partial_self_adjoint_eigen(
        vectors.as_mut(),
        &mut values,
        gram,
        start.as_ref(),
        tolerance,
        par,
        MemStack::new(&mut memory),
        params,
    );
    if info.n_converged_eigen < 2 && n_cols <= DENSE_FALLBACK_MAX_STATEMENTS {
        return dense_top_eigenvectors(gram);
    }
    (0..info.n_converged_eigen.min(2))
        .map(|j| (values[j], (0..n_cols).map(|r| vectors[(r, j)]).collect()))
        .collect()
}

/// The top two eigenpairs from the dense self-adjoint decomposition of `XᵀX`.
fn dense_top_eigenvectors(gram: &Gram<'_>) -> Vec<(f64, Vec<f64>)> {
    let n_cols = gram.nrows();
    let Ok(eigen) = gram.dense().self_adjoint_eigen(Side::Lower) else {
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
/// power iteration from the last components).
pub(crate) fn pca(conversation: &Conversation, max_restarts: usize, warm: Option<&[Vec<f64>; 2]>) -> Pca {
    let center = centers(conversation);
    let n_rows = conversation.participants().len();
    let n_cols = center.len();
    let gram = Gram::new(conversation, &center);
    let trace = gram.trace();
    let mut comps = [vec![0.0; n_cols], vec![0.0; n_cols]];
    // Pol.is finds min(2, n_rows, n_cols) components; a missing one is a zero vector here.
    let n_components = 2.min(n_rows).min(n_cols);
    if trace > 0.0 && n_components > 0 {
        for (i, (value, mut vector)) in
            top_eigenvectors(&gram, max_restarts, warm).into_iter().take(n_components).enumerate()
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
    (0..conversation.participants().len())
        .into_par_iter()
        .with_min_len(4_096)
        .map(|p| {
            let (columns, values) = conversation.row_votes(p);
            let (mut n_votes, mut x, mut y) = (n_mod_out, 0.0, 0.0);
            for (&c, &v) in columns.iter().zip(values) {
                let c = c as usize;
                if mod_out[c] {
                    continue;
                }
                let centered = f64::from(v) - pca.center[c];
                n_votes += 1;
                x += centered * pca.comps[0][c];
                y += centered * pca.comps[1][c];
            }
            let scale = (n_cols as f64 / n_votes.max(1) as f64).sqrt();
            [scale * x, scale * y]
        })
        .collect()
}
