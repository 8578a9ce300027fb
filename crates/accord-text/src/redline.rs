//! The redline between two revisions. (Being written.)
