//! ARF 1.1 asset reporting format reports.
