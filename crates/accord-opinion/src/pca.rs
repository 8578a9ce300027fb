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

/// The rating matrix with unvoted cells replaced by their column's mean, `n_participants` rows of
/// `n_statements`. A column nobody voted on cannot occur (columns come from votes), and
/// moderated-out columns are all `0`.
fn imputed_matrix(conversation: &Conversation) -> Vec<Vec<f64>> {
    let n_participants = conversation.participants().len();
    let n_statements = conversation.statements().len();
    let column_means: Vec<f64> = (0..n_statements)
        .map(|s| {
            let (sum, count) = (0..n_participants)
                .filter_map(|p| conversation.rating(p, s))
                .fold((0i64, 0usize), |(sum, count), v| (sum + i64::from(v), count + 1));
            if count == 0 {
                0.0
            } else {
                sum as f64 / count as f64
            }
        })
        .collect();
    (0..n_participants)
        .map(|p| {
            (0..n_statements).map(|s| conversation.rating(p, s).map_or(column_means[s], f64::from)).collect()
        })
        .collect()
}

fn dot(xs: &[f64], ys: &[f64]) -> f64 {
    xs.iter().zip(ys).map(|(x, y)| x * y).sum()
}

/// One component by power iteration (`pca.clj`, `power-iteration`): repeat `v <- XᵀX v / |XᵀX v|`
/// until the eigenvalue estimate `|XᵀX v|` stops changing or `max_iters` steps are done.
fn power_iteration(data: &[Vec<f64>], max_iters: usize, start: Vec<f64>) -> Vec<f64> {
    let n_cols = start.len();
    let mut vector = start;
    let mut last_eigenvalue = 0.0;
    for _ in 0..=max_iters {
        // xtxr: the sum over rows of (v · row) row.
        let mut product = vec![0.0; n_cols];
        for row in data {
            let weight = dot(&vector, row);
            for (p, x) in product.iter_mut().zip(row) {
                *p += weight * x;
            }
        }
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
    let data = imputed_matrix(conversation);
    let n_rows = data.len();
    let n_cols = conversation.statements().len();
    let center: Vec<f64> =
        (0..n_cols).map(|c| data.iter().map(|row| row[c]).sum::<f64>() / n_rows as f64).collect();
    // Centered in place: the imputed matrix is not needed afterwards, and on a large conversation
    // (33,422 x 783) a second copy would cost 200 MB.
    let mut centered = data;
    for row in &mut centered {
        for (x, m) in row.iter_mut().zip(&center) {
            *x -= m;
        }
    }
    let first = power_iteration(&centered, max_iters, vec![1.0; n_cols]);
    // factor-matrix: remove the first component from every row (Gram-Schmidt), unless it is zero.
    let norm_squared = dot(&first, &first);
    if norm_squared != 0.0 {
        for row in &mut centered {
            let coefficient = dot(&first, row) / norm_squared;
            for (x, f) in row.iter_mut().zip(&first) {
                *x -= coefficient * f;
            }
        }
    }
    // Pol.is finds min(2, n_rows, n_cols) components; a missing one is a zero vector here.
    let second = if n_rows.min(n_cols) >= 2 {
        power_iteration(&centered, max_iters, vec![1.0; n_cols])
    } else {
        vec![0.0; n_cols]
    };
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
