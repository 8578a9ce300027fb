//! The opinion-mapping math of Pol.is: PCA, k-means, group clustering, repness, consensus and group-informed consensus. Pure: no I/O.
