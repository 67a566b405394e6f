#!/usr/bin/env bash
# Run the corpus tests (the #[ignore]d ones) against every SSG data stream installed by the
# Debian ssg-* packages. usage: scripts/corpus.sh [extra cargo test args]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-ssg.sh
export SCAP_SSG_DIR=${SCAP_SSG_DIR:-/usr/share/xml/scap/ssg/content}
cargo test --release --workspace "$@" -- --ignored
