//! PCA by power iteration, and the projections of participants and statements.
//!
//! Mirrors compdemocracy/polis `math/src/polismath/math/pca.clj` (`powerit-pca`,
//! `power-iteration`, `factor-matrix`, `sparsity-aware-project-ptpt`, `pca-project-cmnts`) and the
//! imputation of `conversation.clj` (`:mat`: unvoted cells take their column's mean).

use crate::conversation::Conversation;

/// The two principal components of a conversation's imputed rating matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Pca {
    /// Column means of the imputed matrix, one per statement (Pol.is `pca.center`), in vote units
    /// (agree `-1`, disagree `1`).
    pub center: Vec<f64>,
    /// Two unit vectors of length `n_statements` (Pol.is `pca.comps`); a zero vector where the
    /// data has no variance left. Their sign is arbitrary.
    pub comps: [Vec<f64>; 2],
    /// Each statement's position, `[x, y]`, as a participant who voted agree on it alone
    /// (Pol.is `comment-projection`, here one pair per statement).
    pub comment_projection: Vec<[f64; 2]>,
    /// Each statement's distance from the origin in that projection (Pol.is `comment-extremity`).
    pub comment_extremity: Vec<f64>,
}

/// The centered imputed matrix, kept sparse: one row per participant, `(column, value)` for the
/// cells the participant voted on. Unvoted cells hold the column mean in Pol.is's imputed matrix,
/// and the center is that same mean, so once centered they are zero (up to the last bit of the
/// mean, which Pol.is carries and we drop: an effect below 1e-15 relative). Moderated-out columns
/// are all `0` with a center of `0`, so they are zero too.
struct CenteredMatrix {
    rows: Vec<Vec<(u32, f64)>>,
    center: Vec<f64>,
}

fn centered_matrix(conversation: &Conversation) -> CenteredMatrix {
    let n_participants = conversation.participants().len();
    let n_statements = conversation.statements().len();
    let mut sums = vec![0i64; n_statements];
    let mut counts = vec![0usize; n_statements];
    for p in 0..n_participants {
        for s in 0..n_statements {
            if let Some(v) = conversation.rating(p, s) {
                sums[s] += i64::from(v);
                counts[s] += 1;
            }
        }
    }
    // The center is the mean of the imputed column: the voted values plus the column mean in every
    // unvoted cell (conversation.clj `:mat`, pca.clj `powerit-pca`). A column always has a vote.
    let center: Vec<f64> = (0..n_statements)
        .map(|s| {
            let column_mean = sums[s] as f64 / counts[s].max(1) as f64;
            let n_missing = n_participants - counts[s];
            (sums[s] as f64 + n_missing as f64 * column_mean) / n_participants as f64
        })
        .collect();
    let rows = (0..n_participants)
        .map(|p| {
            (0..n_statements)
                .filter_map(|s| {
                    let value = f64::from(conversation.rating(p, s)?) - center[s];
                    (value != 0.0).then_some((s as u32, value))
                })
                .collect()
        })
        .collect();
    CenteredMatrix { rows, center }
}

fn dot(xs: &[f64], ys: &[f64]) -> f64 {
    xs.iter().zip(ys).map(|(x, y)| x * y).sum()
}

/// Removes from `vector` its component along the unit vector `unit` (a no-op for a zero `unit`).
fn project_out(vector: &mut [f64], unit: Option<&[f64]>) {
    if let Some(unit) = unit {
        let coefficient = dot(unit, vector);
        for (x, u) in vector.iter_mut().zip(unit) {
            *x -= coefficient * u;
        }
    }
}

/// One component by power iteration (`pca.clj`, `power-iteration`): repeat `v <- XᵀX v / |XᵀX v|`
/// until the eigenvalue estimate `|XᵀX v|` stops changing or `max_iters` steps are done.
///
/// With `deflate_by`, `X` is the matrix with that unit component factored out of every row
/// (`pca.clj`, `factor-matrix`), applied as `(I - ppᵀ) XᵀX (I - ppᵀ)` so the data stays sparse.
fn power_iteration(matrix: &CenteredMatrix, max_iters: usize, deflate_by: Option<&[f64]>) -> Vec<f64> {
    let n_cols = matrix.center.len();
    let mut vector = vec![1.0; n_cols];
    let mut last_eigenvalue = 0.0;
    for _ in 0..=max_iters {
        let mut input = vector.clone();
        project_out(&mut input, deflate_by);
        // xtxr: the sum over rows of (v · row) row.
        let mut product = vec![0.0; n_cols];
        for row in &matrix.rows {
            let weight: f64 = row.iter().map(|&(c, x)| x * input[c as usize]).sum();
            for &(c, x) in row {
                product[c as usize] += weight * x;
            }
        }
        project_out(&mut product, deflate_by);
        let eigenvalue = dot(&product, &product).sqrt();
        // A zero product means no variance left: the component is the zero vector, and Pol.is's
        // normalise of a zero vector gives zero as well.
        let normed: Vec<f64> = if eigenvalue > 0.0 {
            product.iter().map(|p| p / eigenvalue).collect()
        } else {
            vec![0.0; n_cols]
        };
        // Stopping on a tiny relative change instead of exact equality spares cycling in the last bit.
        let converged = (eigenvalue - last_eigenvalue).abs() <= 1e-15 * eigenvalue;
        vector = normed;
        if converged {
            break;
        }
        last_eigenvalue = eigenvalue;
    }
    vector
}

/// The two principal components of the conversation (`pca.clj`, `powerit-pca`), starting each
/// power iteration from the all-ones vector (Pol.is's own default for `power-iteration`; Pol.is's
/// cold start uses a random vector instead, which we avoid to stay deterministic).
pub(crate) fn pca(conversation: &Conversation, max_iters: usize) -> Pca {
    let matrix = centered_matrix(conversation);
    let n_rows = matrix.rows.len();
    let n_cols = matrix.center.len();
    let first = power_iteration(&matrix, max_iters, None);
    // Pol.is finds min(2, n_rows, n_cols) components; a missing one is a zero vector here.
    let second = if n_rows.min(n_cols) >= 2 {
        let is_zero = first.iter().all(|&x| x == 0.0);
        power_iteration(&matrix, max_iters, (!is_zero).then_some(first.as_slice()))
    } else {
        vec![0.0; n_cols]
    };
    let center = matrix.center;
    let comps = [first, second];
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

/// Each participant's position `[x, y]`, in row order (`pca.clj`, `sparsity-aware-project-ptpt`):
/// the centered votes they cast, projected on the components, scaled by
/// `sqrt(n_statements / max(n_votes, 1))` so that sparse voters are not pulled to the center.
/// Moderated-out columns count as votes of `0`, as in Pol.is's `rating-mat`.
pub(crate) fn project_participants(conversation: &Conversation, pca: &Pca) -> Vec<[f64; 2]> {
    let n_cols = conversation.statements().len();
    (0..conversation.participants().len())
        .map(|p| {
            let (mut n_votes, mut x, mut y) = (0usize, 0.0, 0.0);
            for s in 0..n_cols {
                if let Some(v) = conversation.rating(p, s) {
                    let centered = f64::from(v) - pca.center[s];
                    n_votes += 1;
                    x += centered * pca.comps[0][s];
                    y += centered * pca.comps[1][s];
                }
            }
            let scale = (n_cols as f64 / n_votes.max(1) as f64).sqrt();
            [scale * x, scale * y]
        })
        .collect()
}
