//! OVAL 5.11 definitions: model, parser, evaluator, probes and results.
