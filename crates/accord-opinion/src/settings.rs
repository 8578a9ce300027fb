//! Settings of the pipeline, unchecked ([`Settings`]) and checked ([`CheckedSettings`]), after
//! linfa's `param_guard`: the algorithm runs only on the checked type.
//!
//! Defaults are Pol.is's (`conversation.clj`, `base-conv-update-graph` `:opts'`), except
//! `pca_iters`: see its doc.

/// Unchecked settings; [`Settings::check`] turns them into [`CheckedSettings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Maximum restarts of the Lanczos eigensolver that finds the components of conversations
    /// with more than 80 statements (fewer are decomposed densely). Default 1000, which
    /// it never reaches in practice: it stops when both components have converged. Pol.is runs
    /// 100 power-iteration steps per update from the previous update's components, so over a
    /// conversation's life its components converge to the same top eigenvectors.
    pub pca_iters: usize,
    /// Number of base clusters (Pol.is `base-k`). Default 100.
    pub base_k: usize,
    /// Maximum k-means steps for base clusters (Pol.is `base-iters`). Default 100.
    pub base_iters: usize,
    /// Largest number of groups tried (Pol.is `max-k`). Default 5; at least 2.
    pub max_group_k: usize,
    /// Updates in a row that must find the same new best number of groups before it is used (Pol.is
    /// `group-k-buffer`). Default 4. Matters only to [`crate::analyze_continuing`].
    pub group_k_buffer: usize,
    /// Maximum k-means steps for group clusters. Default 20: Pol.is passes `:cluster-iters` to a
    /// `kmeans` that only reads `:max-iters`, so its default of 20 applies.
    pub group_iters: usize,
    /// Votes needed to be clustered, when there are at least that many statements. Default 7.
    pub min_votes_in_conv: usize,
    /// Fewest participants clustered when enough have voted: the top voters fill up to this count.
    /// Default 15.
    pub greedy_in_conv: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            pca_iters: 1000,
            base_k: 100,
            base_iters: 100,
            max_group_k: 5,
            group_k_buffer: 4,
            group_iters: 20,
            min_votes_in_conv: 7,
            greedy_in_conv: 15,
        }
    }
}

/// Why settings were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// `pca_iters` must be at least 1.
    #[error("pca_iters: expected at least 1, found {0}")]
    PcaIters(usize),
    /// `base_k` must be at least 1.
    #[error("base_k: expected at least 1, found {0}")]
    BaseK(usize),
    /// `max_group_k` must be at least 2.
    #[error("max_group_k: expected at least 2, found {0}")]
    MaxGroupK(usize),
}

/// Settings that passed [`Settings::check`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckedSettings(Settings);

impl Settings {
    /// Checks the settings.
    ///
    /// # Errors
    ///
    /// [`SettingsError`] naming the first setting out of range.
    pub fn check(self) -> Result<CheckedSettings, SettingsError> {
        if self.pca_iters == 0 {
            return Err(SettingsError::PcaIters(self.pca_iters));
        }
        if self.base_k == 0 {
            return Err(SettingsError::BaseK(self.base_k));
        }
        if self.max_group_k < 2 {
            return Err(SettingsError::MaxGroupK(self.max_group_k));
        }
        Ok(CheckedSettings(self))
    }
}

impl CheckedSettings {
    /// The checked values.
    pub fn get(&self) -> &Settings {
        &self.0
    }
}
