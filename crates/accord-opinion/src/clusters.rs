//! k-means, silhouette and the choice of the number of groups.
//!
//! Mirrors compdemocracy/polis `math/src/polismath/math/clusters.clj` (`init-clusters`,
//! `cluster-step`, `kmeans`, `same-clustering?`, `weighted-mean`, `silhouette`) and the
//! `:base-clusters`, `:group-clusterings` and `:group-k-smoother` steps of `conversation.clj`.
//! Deterministic: initial centers are the first k distinct points in the order given.

use rayon::prelude::*;

use crate::conversation::ParticipantId;

/// A base cluster: a small cluster of participants (Pol.is clusters participants into up to 100 of
/// these, then groups the base clusters).
#[derive(Debug, Clone, PartialEq)]
pub struct BaseCluster {
    /// Its id, unique among base clusters.
    pub id: usize,
    /// Its participants, in the order k-means assigned them.
    pub members: Vec<ParticipantId>,
    /// Its center `[x, y]` in the projection plane.
    pub center: [f64; 2],
}

/// An opinion group: a cluster of base clusters.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupCluster {
    /// Its id, unique among groups (`0..k`).
    pub id: usize,
    /// The ids of its base clusters.
    pub members: Vec<usize>,
    /// Its center `[x, y]`, the mean of its base clusters' centers weighted by their sizes.
    pub center: [f64; 2],
}

/// A k-means cluster over point indices.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cluster {
    pub id: usize,
    /// Indices into the points, in assignment order.
    pub members: Vec<usize>,
    pub center: [f64; 2],
}

fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// `clusters.clj`, `same-clustering?`: the sorted centers are pairwise within 0.01.
fn same_clustering(a: &[Cluster], b: &[Cluster]) -> bool {
    let sorted = |clusters: &[Cluster]| {
        let mut centers: Vec<[f64; 2]> = clusters.iter().map(|c| c.center).collect();
        centers.sort_by(|x, y| x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal));
        centers
    };
    sorted(a).into_iter().zip(sorted(b)).all(|(x, y)| distance(x, y) < 0.01)
}

/// Squared distance, the quantity compared when assigning points.
fn squared_distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
}

/// Relative safety margin on the bounds of [`kmeans`], far above their rounding error.
const BOUND_MARGIN: f64 = 1e-9;

/// Points are assigned in parallel blocks of this many.
const KMEANS_BLOCK: usize = 4_096;

/// k-means from a cold start (`clusters.clj`, `kmeans` without `last-clusters`): the first `k`
/// distinct points seed clusters `0..k`; each step assigns every point to its nearest center
/// (ties to the lowest id), drops empty clusters and moves centers to their (weighted) means;
/// it stops when the centers move less than 0.01 or after `max_iters + 1` steps.
/// Returns clusters sorted by id; `points` and `weights` have one entry per point.
///
/// The steps are Lloyd's, computed with Hamerly's bounds (G. Hamerly, "Making k-means even faster",
/// SDM 2010): each point keeps an upper bound on the distance to its center and a lower bound on
/// the distance to any other, moved by how far the centers move; a point whose bounds show its
/// center is still strictly the nearest is not compared with the others. A point is otherwise
/// compared with the centers within twice its distance to its own center (each center keeps the
/// others sorted by distance from it): by the triangle inequality no other center can be nearer,
/// so the assignment is Lloyd's, ties included. Nearest is by squared
/// distance, which orders as Pol.is's distance does except where two distances round to the same
/// square root.
pub(crate) fn kmeans(
    points: &[[f64; 2]],
    k: usize,
    max_iters: usize,
    weights: Option<&[f64]>,
) -> Vec<Cluster> {
    kmeans_with_bounds(points, k, max_iters, weights).0
}

/// [`kmeans`], with the bounds of its run ([`KmeansBounds`]).
fn kmeans_with_bounds(
    points: &[[f64; 2]],
    k: usize,
    max_iters: usize,
    weights: Option<&[f64]>,
) -> (Vec<Cluster>, KmeansBounds) {
    let mut seeds: Vec<[f64; 2]> = Vec::new();
    for &point in points {
        if seeds.len() == k {
            break;
        }
        if !seeds.contains(&point) {
            seeds.push(point);
        }
    }
    let clusters: Vec<Cluster> = seeds
        .into_iter()
        .enumerate()
        .map(|(id, center)| Cluster { id, members: Vec::new(), center })
        .collect();
    lloyd(points, clusters, max_iters, weights, None)
}

/// k-means from the given clusters' centers (`clusters.clj`, `kmeans` with `last-clusters`, as
/// Pol.is runs it on each update): the steps of [`kmeans`] from those centers and ids. Where fewer
/// than `k` centers are given, the first distinct points that are not centers yet are added, with
/// new ids.
///
/// `bounds`, when given, are those of the run that returned `last` ([`KmeansBounds::carried`] to
/// `points`): the first step then compares only the points its bounds do not settle, instead of
/// every point with every center. They are used when all of `last` is kept (at most `k`
/// clusters), lower bounds brought down to any added center. The clusters are those of the run
/// without bounds. Also returns the bounds of this run.
pub(crate) fn kmeans_from(
    points: &[[f64; 2]],
    last: &[([f64; 2], usize)],
    k: usize,
    max_iters: usize,
    weights: Option<&[f64]>,
    bounds: Option<KmeansBounds>,
) -> (Vec<Cluster>, KmeansBounds) {
    let mut clusters: Vec<Cluster> =
        last.iter().take(k).map(|&(center, id)| Cluster { id, members: Vec::new(), center }).collect();
    let mut next_id = clusters.iter().map(|c| c.id + 1).max().unwrap_or(0);
    for &point in points {
        if clusters.len() >= k {
            break;
        }
        if !clusters.iter().any(|c| c.center == point) {
            clusters.push(Cluster { id: next_id, members: Vec::new(), center: point });
            next_id += 1;
        }
    }
    // The bounds hold while the last clusters keep their positions: all of them taken, in id
    // order, the added ones (with larger ids) after them. An added center may be nearer to a
    // point than any other: the lower bounds are brought down to it.
    let ids_ascending = last.windows(2).all(|w| w[0].1 < w[1].1);
    let bounds = bounds
        .filter(|b| {
            last.len() <= k && ids_ascending && b.n_clusters == last.len() && b.assigned.len() == points.len()
        })
        .map(|mut b| {
            for added in &clusters[last.len()..] {
                for (lower, &point) in b.lower.iter_mut().zip(points) {
                    *lower = lower.min(distance(point, added.center));
                }
            }
            b
        });
    clusters.sort_by_key(|c| c.id);
    lloyd(points, clusters, max_iters, weights, bounds)
}

/// Hamerly's bounds at the end of a k-means run, relative to the clusters it returned: kept
/// between updates so that the next run, from those clusters, starts with them
/// ([`kmeans_from`]) instead of comparing every point with every center.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KmeansBounds {
    /// The number of clusters returned.
    n_clusters: usize,
    /// Per point, the position of its cluster among the returned clusters (ascending ids).
    assigned: Vec<u32>,
    /// Per point, an upper bound on its distance to its cluster's center (infinite: unknown).
    upper: Vec<f64>,
    /// Per point, a lower bound on its distance to any other center.
    lower: Vec<f64>,
    /// The points, where they were in that run.
    points: Vec<[f64; 2]>,
}

impl KmeansBounds {
    /// Per point, the position of its cluster among the clusters of the run (ascending ids).
    pub(crate) fn assigned(&self) -> &[u32] {
        &self.assigned
    }

    /// The bounds for the same clusters and points that have moved: `last_of[i]` is the index in
    /// the last run of point `i` of `points`, `None` for a new point (whose bounds are unknown).
    /// A point that moved by `d` is at most `d` further from its center and at most `d` nearer to
    /// any other (triangle inequality).
    pub(crate) fn carried(&self, points: &[[f64; 2]], last_of: &[Option<usize>]) -> KmeansBounds {
        let n_points = points.len();
        let (mut assigned, mut upper, mut lower) =
            (vec![0u32; n_points], vec![f64::INFINITY; n_points], vec![0.0f64; n_points]);
        for (i, &last) in last_of.iter().enumerate() {
            if let Some(j) = last {
                let moved = distance(self.points[j], points[i]);
                assigned[i] = self.assigned[j];
                upper[i] = self.upper[j] + moved;
                lower[i] = self.lower[j] - moved;
            }
        }
        KmeansBounds { n_clusters: self.n_clusters, assigned, upper, lower, points: points.to_vec() }
    }
}

/// The steps of [`kmeans`] from the given clusters (sorted by id), from `bounds` relative to them
/// if given; returns the clusters and the bounds relative to them.
fn lloyd(
    points: &[[f64; 2]],
    mut clusters: Vec<Cluster>,
    max_iters: usize,
    weights: Option<&[f64]>,
    bounds: Option<KmeansBounds>,
) -> (Vec<Cluster>, KmeansBounds) {
    let n_points = points.len();
    // Per point: the position of its cluster in `clusters`, and the two bounds.
    let (mut assigned, mut upper, mut lower) = match bounds {
        Some(b) => (b.assigned, b.upper, b.lower),
        None => (vec![0u32; n_points], vec![f64::INFINITY; n_points], vec![0.0f64; n_points]),
    };
    let mut iters_left = max_iters;
    loop {
        let centers: Vec<[f64; 2]> = clusters.iter().map(|c| c.center).collect();
        // For each center, the other centers by increasing distance from it (a center nearer to a
        // point than its own center `a` lies within twice the point's distance to `a`), sorted
        // when a point of that center first needs it.
        let neighbours: Vec<std::sync::OnceLock<Vec<(f64, u32)>>> =
            centers.iter().map(|_| std::sync::OnceLock::new()).collect();
        let neighbours_of = |j: usize| {
            neighbours[j].get_or_init(|| {
                let mut others: Vec<(f64, u32)> = centers
                    .iter()
                    .enumerate()
                    .filter(|&(o, _)| o != j)
                    .map(|(o, &center)| (distance(centers[j], center), o as u32))
                    .collect();
                others.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
                others
            })
        };
        // Half the distance from each center to the nearest other one.
        let half_gap: Vec<f64> = centers
            .iter()
            .enumerate()
            .map(|(j, &c)| {
                let nearest = centers
                    .iter()
                    .enumerate()
                    .filter(|&(o, _)| o != j)
                    .map(|(_, &o)| distance(c, o))
                    .fold(f64::INFINITY, f64::min);
                nearest / 2.0
            })
            .collect();
        assigned
            .par_chunks_mut(KMEANS_BLOCK)
            .zip(upper.par_chunks_mut(KMEANS_BLOCK))
            .zip(lower.par_chunks_mut(KMEANS_BLOCK))
            .zip(points.par_chunks(KMEANS_BLOCK))
            .for_each(|(((assigned, upper), lower), points)| {
                for (i, &point) in points.iter().enumerate() {
                    let a = assigned[i] as usize;
                    let bound = half_gap[a].max(lower[i]) * (1.0 - BOUND_MARGIN);
                    if upper[i] < bound {
                        continue;
                    }
                    if upper[i].is_finite() {
                        upper[i] = distance(point, centers[a]);
                        if upper[i] < bound {
                            continue;
                        }
                    }
                    // Candidates: `a` and the centers within twice the distance to `a` (all of
                    // them on the first step, when that distance is not known yet). A center
                    // further away is further from the point than `a` by the triangle
                    // inequality, so the nearest (ties to the lowest position, by squared
                    // distance) is among the candidates.
                    let (radius, reach) = if upper[i].is_finite() {
                        let reach = 2.0 * upper[i] * (1.0 + BOUND_MARGIN);
                        (upper[i], reach)
                    } else {
                        (f64::INFINITY, f64::INFINITY)
                    };
                    let (mut best, mut best_d2) = (a, squared_distance(point, centers[a]));
                    let mut second_d2 = f64::INFINITY;
                    // Distance from `a` of the nearest center not compared, if any.
                    let mut beyond = f64::INFINITY;
                    for &(gap, j) in neighbours_of(a) {
                        if gap > reach {
                            beyond = gap;
                            break;
                        }
                        let j = j as usize;
                        let d2 = squared_distance(point, centers[j]);
                        if d2 < best_d2 || (d2 == best_d2 && j < best) {
                            second_d2 = best_d2;
                            best_d2 = d2;
                            best = j;
                        } else if d2 < second_d2 {
                            second_d2 = d2;
                        }
                    }
                    assigned[i] = best as u32;
                    upper[i] = best_d2.sqrt();
                    // A center not compared is at least `beyond - radius` from the point.
                    lower[i] = second_d2.sqrt().min(beyond - radius);
                }
            });
        // New centers from sums in point order: the order weighted_mean adds a cluster's members
        // in, so the means are the same to the last bit without building member lists.
        let n_clusters = clusters.len();
        let (mut sums, mut totals, mut sizes) =
            (vec![[0.0f64; 2]; n_clusters], vec![0.0f64; n_clusters], vec![0usize; n_clusters]);
        for (i, &a) in assigned.iter().enumerate() {
            let (a, weight) = (a as usize, weights.map_or(1.0, |w| w[i]));
            sums[a][0] += weight * points[i][0];
            sums[a][1] += weight * points[i][1];
            totals[a] += weight;
            sizes[a] += 1;
        }
        // Positions after the empty clusters are dropped.
        let mut new_position = vec![u32::MAX; n_clusters];
        let mut next: Vec<Cluster> = Vec::with_capacity(n_clusters);
        for (j, cluster) in clusters.iter().enumerate() {
            if sizes[j] > 0 {
                new_position[j] = next.len() as u32;
                let center = [sums[j][0] / totals[j], sums[j][1] / totals[j]];
                next.push(Cluster { id: cluster.id, members: Vec::new(), center });
            }
        }
        let done = iters_left == 0 || same_clustering(&clusters, &next);
        // Move the bounds by how far the centers moved. A dropped cluster only removes a
        // candidate, so the lower bounds stay valid.
        move_bounds(&clusters, &next, &new_position, &mut assigned, &mut upper, &mut lower);
        if done {
            for (i, &a) in assigned.iter().enumerate() {
                next[a as usize].members.push(i);
            }
            let bounds =
                KmeansBounds { n_clusters: next.len(), assigned, upper, lower, points: points.to_vec() };
            return (next, bounds);
        }
        clusters = next;
        iters_left -= 1;
    }
}

/// Hamerly's bounds moved from `clusters` to `next`, where `new_position` maps a position in
/// `clusters` to its position in `next` (`u32::MAX` for a dropped one): each upper bound grows by
/// how far its center moved, each lower bound shrinks by the most any other center moved.
fn move_bounds(
    clusters: &[Cluster],
    next: &[Cluster],
    new_position: &[u32],
    assigned: &mut [u32],
    upper: &mut [f64],
    lower: &mut [f64],
) {
    let moved: Vec<f64> = (0..clusters.len())
        .map(|j| match new_position[j] {
            u32::MAX => 0.0,
            p => distance(clusters[j].center, next[p as usize].center),
        })
        .collect();
    let (mut most, mut most_at, mut second_most) = (0.0f64, usize::MAX, 0.0f64);
    for (j, &m) in moved.iter().enumerate() {
        if m > most {
            second_most = most;
            most = m;
            most_at = j;
        } else if m > second_most {
            second_most = m;
        }
    }
    assigned
        .par_chunks_mut(KMEANS_BLOCK)
        .zip(upper.par_chunks_mut(KMEANS_BLOCK))
        .zip(lower.par_chunks_mut(KMEANS_BLOCK))
        .for_each(|((assigned, upper), lower)| {
            for i in 0..assigned.len() {
                let a = assigned[i] as usize;
                upper[i] += moved[a];
                lower[i] -= if a == most_at { second_most } else { most };
                assigned[i] = new_position[a];
            }
        });
}

/// The mean silhouette of a clustering of `points` (`clusters.clj`, `silhouette`), each point
/// counting once. A point alone in its cluster scores 0, as does a point with no other cluster or
/// at distance 0 from everything.
pub(crate) fn silhouette(points: &[[f64; 2]], clusters: &[Cluster]) -> f64 {
    let mut sum = 0.0;
    let mut count = 0usize;
    for cluster in clusters {
        for &member in &cluster.members {
            count += 1;
            if cluster.members.len() == 1 {
                continue;
            }
            // Summed in member order without collecting them (distances are not negative, so the
            // sum is the one `Iterator::sum` gives).
            let mean_distance = |others: &Cluster| {
                let (sum, count) = others
                    .members
                    .iter()
                    .filter(|&&o| o != member)
                    .fold((0.0f64, 0usize), |(sum, count), &o| {
                        (sum + distance(points[member], points[o]), count + 1)
                    });
                sum / count as f64
            };
            let a = mean_distance(cluster);
            let b = clusters
                .iter()
                .filter(|other| other.id != cluster.id)
                .map(mean_distance)
                .fold(None, |b: Option<f64>, d| Some(b.map_or(d, |b| b.min(d))));
            if let Some(b) = b {
                let scale = a.max(b);
                if scale > 0.0 {
                    sum += (b - a) / scale;
                }
            }
        }
    }
    if count == 0 {
        0.0
    } else {
        sum / count as f64
    }
}

/// The base clusters of the given participants (`conversation.clj`, `:base-clusters`), in the
/// order given (Pol.is's `in-conv` order seeds the clusters), from a cold start or from the last
/// update's base clusters, with the bounds of that update's run if kept ([`kmeans_from`]).
/// Also returns this run's bounds, for the next update.
pub(crate) fn base_clusters(
    participants: &[ParticipantId],
    positions: &[[f64; 2]],
    base_k: usize,
    base_iters: usize,
    last: Option<(&[BaseCluster], Option<KmeansBounds>)>,
) -> (Vec<BaseCluster>, KmeansBounds) {
    let (clusters, bounds) = match last {
        Some((last, bounds)) => {
            let last: Vec<([f64; 2], usize)> = last.iter().map(|b| (b.center, b.id)).collect();
            kmeans_from(positions, &last, base_k, base_iters, None, bounds)
        }
        None => kmeans_with_bounds(positions, base_k, base_iters, None),
    };
    let base = clusters
        .into_iter()
        .map(|c| BaseCluster {
            id: c.id,
            members: c.members.iter().map(|&i| participants[i]).collect(),
            center: c.center,
        })
        .collect();
    (base, bounds)
}

/// Pol.is's `group-k-smoother` (`conversation.clj`): the number of groups changes only after the
/// same new best k has been seen `group_k_buffer` updates in a row, so groups do not flicker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupKSmoother {
    /// The best k (largest silhouette) of the latest update.
    pub last_k: usize,
    /// How many updates in a row found that best k.
    pub last_k_count: usize,
    /// The k in use.
    pub smoothed_k: usize,
}

impl GroupKSmoother {
    /// The state after an update whose best k is `this_k`: the count grows while the best k stays
    /// the same, and the k in use switches once the count reaches `group_k_buffer`. Without a
    /// previous state (a cold start), the k in use is `this_k`.
    pub fn update(previous: Option<&GroupKSmoother>, this_k: usize, group_k_buffer: usize) -> GroupKSmoother {
        let same = previous.is_some_and(|p| p.last_k == this_k);
        let last_k_count = if same { previous.map_or(0, |p| p.last_k_count) + 1 } else { 1 };
        let smoothed_k =
            if last_k_count >= group_k_buffer { this_k } else { previous.map_or(this_k, |p| p.smoothed_k) };
        GroupKSmoother { last_k: this_k, last_k_count, smoothed_k }
    }
}

/// The group clusterings tried and the chosen one (`conversation.clj`, `:group-clusterings`,
/// `:group-clusterings-silhouettes`, `:group-k-smoother` and `:group-clusters`).
///
/// Tries k in `2..=min(max_group_k, 2 + n_base / 12)` over the base centers weighted by their
/// sizes; the best k is the one of largest silhouette (the largest k among ties, as Clojure's
/// `max-key`), and the k in use comes from [`GroupKSmoother::update`]. When the smoothed k was not
/// tried in this update (Pol.is would then have no groups), the best k's clustering is used.
/// Returns the chosen groups, each k's silhouette and the new smoother state.
pub(crate) fn group_clusters(
    base: &[BaseCluster],
    max_group_k: usize,
    group_iters: usize,
    previous: Option<&GroupKSmoother>,
    group_k_buffer: usize,
) -> (Vec<GroupCluster>, Vec<(usize, f64)>, Option<GroupKSmoother>) {
    let points: Vec<[f64; 2]> = base.iter().map(|b| b.center).collect();
    let weights: Vec<f64> = base.iter().map(|b| b.members.len() as f64).collect();
    let max_k = max_group_k.min(2 + base.len() / 12);
    let mut clusterings = Vec::new();
    let mut silhouettes = Vec::new();
    for k in 2..=max_k {
        let clusters = kmeans(&points, k, group_iters, Some(&weights));
        silhouettes.push((k, silhouette(&points, &clusters)));
        clusterings.push((k, clusters));
    }
    let best_k = silhouettes
        .iter()
        .fold(None, |best: Option<(usize, f64)>, &(k, score)| match best {
            Some((_, best_score)) if score < best_score => best,
            _ => Some((k, score)),
        })
        .map(|(k, _)| k);
    let smoother = best_k.map(|k| GroupKSmoother::update(previous, k, group_k_buffer));
    let chosen = smoother
        .and_then(|s| clusterings.iter().position(|(k, _)| *k == s.smoothed_k))
        .or_else(|| best_k.and_then(|b| clusterings.iter().position(|(k, _)| *k == b)));
    let groups = chosen
        .map(|i| clusterings.swap_remove(i).1)
        .unwrap_or_default()
        .into_iter()
        .map(|c| GroupCluster {
            id: c.id,
            members: c.members.iter().map(|&i| base[i].id).collect(),
            center: c.center,
        })
        .collect();
    (groups, silhouettes, smoother)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_number_of_groups_changes_only_after_the_buffer_of_updates() {
        let mut state = GroupKSmoother::update(None, 3, 4);
        assert_eq!(state.smoothed_k, 3, "a cold start takes the best k");
        for update in 1..=3 {
            state = GroupKSmoother::update(Some(&state), 2, 4);
            assert_eq!(state.smoothed_k, 3, "update {update} with best k 2 keeps 3");
        }
        state = GroupKSmoother::update(Some(&state), 2, 4);
        assert_eq!((state.smoothed_k, state.last_k_count), (2, 4), "the fourth update in a row switches");
    }

    #[test]
    fn two_far_apart_pairs_make_two_clusters_with_their_means_as_centers() {
        let points = [[0.0, 0.0], [10.0, 0.0], [0.0, 1.0], [10.0, 1.0]];
        let clusters = kmeans(&points, 2, 20, None);
        assert_eq!(clusters.len(), 2);
        assert_eq!(clusters[0].members, vec![0, 2]);
        assert_eq!(clusters[0].center, [0.0, 0.5]);
        assert_eq!(clusters[1].center, [10.0, 0.5]);
    }

    #[test]
    fn silhouette_of_two_tight_far_pairs_is_close_to_one() {
        // a = 1 for each point, b = mean of 10 and sqrt(101): worked out by hand.
        let points = [[0.0, 0.0], [10.0, 0.0], [0.0, 1.0], [10.0, 1.0]];
        let clusters = kmeans(&points, 2, 20, None);
        let b = (10.0 + 101f64.sqrt()) / 2.0;
        assert!((silhouette(&points, &clusters) - (b - 1.0) / b).abs() < 1e-12);
    }

    /// `clusters.clj`, `weighted-mean`: `Σ wᵢ xᵢ / Σ wᵢ`, or the plain mean without weights.
    fn weighted_mean(points: &[[f64; 2]], members: &[usize], weights: Option<&[f64]>) -> [f64; 2] {
        let weight = |i: usize| weights.map_or(1.0, |w| w[i]);
        let total: f64 = members.iter().map(|&i| weight(i)).sum();
        let mut center = [0.0, 0.0];
        for &i in members {
            center[0] += weight(i) * points[i][0];
            center[1] += weight(i) * points[i][1];
        }
        [center[0] / total, center[1] / total]
    }

    /// Plain Lloyd k-means as Pol.is writes it: every point compared with every center by
    /// distance, ties to the lowest position, empty clusters dropped, means recomputed.
    fn naive_kmeans(
        points: &[[f64; 2]],
        k: usize,
        max_iters: usize,
        weights: Option<&[f64]>,
    ) -> Vec<Cluster> {
        let mut seeds: Vec<[f64; 2]> = Vec::new();
        for &point in points {
            if seeds.len() < k && !seeds.contains(&point) {
                seeds.push(point);
            }
        }
        let mut clusters: Vec<Cluster> = seeds
            .into_iter()
            .enumerate()
            .map(|(id, center)| Cluster { id, members: Vec::new(), center })
            .collect();
        let mut iters_left = max_iters;
        loop {
            let mut next: Vec<Cluster> = clusters
                .iter()
                .map(|c| Cluster { id: c.id, members: Vec::new(), center: c.center })
                .collect();
            for (i, &point) in points.iter().enumerate() {
                let mut best = 0;
                for j in 1..next.len() {
                    if distance(point, next[j].center) < distance(point, next[best].center) {
                        best = j;
                    }
                }
                next[best].members.push(i);
            }
            next.retain(|c| !c.members.is_empty());
            for cluster in &mut next {
                cluster.center = weighted_mean(points, &cluster.members, weights);
            }
            if iters_left == 0 || same_clustering(&clusters, &next) {
                return next;
            }
            clusters = next;
            iters_left -= 1;
        }
    }

    #[test]
    fn hamerly_bounds_give_the_clusters_of_plain_lloyd() {
        // Seeded pseudo-random points in five blobs, some repeated; and points on an integer
        // grid, where exact ties between centers happen.
        let mut next = crate::xorshift();
        let mut unit = move || (next() >> 11) as f64 / (1u64 << 53) as f64;
        let mut blobs: Vec<[f64; 2]> = (0..20_000)
            .map(|i| {
                let c = (i % 5) as f64;
                [c * 3.0 + unit() * 2.5, (c * 1.7).sin() * 4.0 + unit() * 2.5]
            })
            .collect();
        blobs.extend_from_within(..500);
        let grid: Vec<[f64; 2]> = (0..900).map(|i| [(i % 30) as f64, (i / 30) as f64]).collect();
        let weights: Vec<f64> = (0..grid.len()).map(|i| 1.0 + (i % 7) as f64).collect();
        for (what, points, k, weights) in [
            ("blobs, k = 100", &blobs, 100, None),
            ("blobs, k = 3", &blobs, 3, None),
            ("grid, k = 40", &grid, 40, None),
            ("weighted grid, k = 5", &grid, 5, Some(weights.as_slice())),
        ] {
            assert_eq!(kmeans(points, k, 100, weights), naive_kmeans(points, k, 100, weights), "{what}");
        }
    }

    #[test]
    fn kept_bounds_carried_to_moved_and_new_points_give_the_clusters_of_a_start_without_them() {
        // Seeded blobs clustered, then moved a little (as a new PCA moves every participant),
        // some moved far, new points inserted among them; the warm start with the carried bounds
        // must give exactly the clusters of the warm start that compares every point.
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut unit = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut points: Vec<[f64; 2]> = (0..6_000)
            .map(|i| {
                let c = (i % 4) as f64;
                [c * 2.0 + unit() * 3.0, (c * 1.3).cos() * 3.0 + unit() * 3.0]
            })
            .collect();
        // The first clustering has fewer distinct points than clusters (positions on a grid), so
        // the next start adds centers from the moved points.
        let on_grid: Vec<[f64; 2]> = points.iter().map(|p| p.map(|x| x.round())).collect();
        let (mut last, mut bounds) = kmeans_with_bounds(&on_grid, 100, 100, None);
        assert!(last.len() < 100, "{} grid clusters", last.len());
        points = on_grid;
        for round in 0..12 {
            let scale = [1e-6, 1e-3, 0.05][round % 3];
            let mut moved: Vec<[f64; 2]> = Vec::new();
            let mut last_of: Vec<Option<usize>> = Vec::new();
            for (j, &[x, y]) in points.iter().enumerate() {
                if j % 97 == round {
                    moved.push([unit() * 8.0, unit() * 6.0 - 3.0]);
                    last_of.push(None);
                }
                let far = if j % 211 == 5 { 2.0 } else { scale };
                moved.push([x + (unit() - 0.5) * far, y + (unit() - 0.5) * far]);
                last_of.push(Some(j));
            }
            let centers: Vec<([f64; 2], usize)> = last.iter().map(|c| (c.center, c.id)).collect();
            let plain = kmeans_from(&moved, &centers, 100, 100, None, None).0;
            let carried = bounds.carried(&moved, &last_of);
            let (kept, next_bounds) = kmeans_from(&moved, &centers, 100, 100, None, Some(carried));
            assert_eq!(kept, plain, "round {round}");
            (points, last, bounds) = (moved, kept, next_bounds);
        }
    }

    #[test]
    fn a_warm_start_from_converged_clusters_keeps_them() {
        let points = [[0.0, 0.0], [10.0, 0.0], [0.0, 1.0], [10.0, 1.0], [0.5, 0.5]];
        let cold = kmeans(&points, 2, 20, None);
        let last: Vec<([f64; 2], usize)> = cold.iter().map(|c| (c.center, c.id)).collect();
        assert_eq!(kmeans_from(&points, &last, 2, 20, None, None).0, cold);
    }
}
