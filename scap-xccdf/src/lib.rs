//! XCCDF 1.2 and 1.1 benchmarks, SCAP source data streams, tailoring, evaluation and TestResult.
