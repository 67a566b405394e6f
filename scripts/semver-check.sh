#!/usr/bin/env bash
# Public API compatibility of the publishable crates against an earlier git revision, with
# cargo-semver-checks (it compares the rustdoc JSON of both and names each breaking change
# with the rule of the Cargo SemVer reference it violates).
#
# usage: scripts/semver-check.sh [BASELINE_REV [CRATE...]]
#   BASELINE_REV  the revision whose API the current tree must stay compatible with: the tag or
#                 commit of the last release (default: the newest tag matching v*, else the
#                 merge base with main)
#   CRATE         the crates to check (default: every publishable crate that exists in both
#                 trees; a crate new since BASELINE_REV has nothing to be compatible with)
#
# Needs `cargo install cargo-semver-checks --locked`. None of the crates is on crates.io yet,
# so cargo-semver-checks' default baseline (the newest published version) does not exist and
# this script always compares with a git revision. It checks that revision out itself (a
# detached `git worktree` under target/, removed on exit) and passes it as `--baseline-root`:
# cargo-semver-checks' own `--baseline-rev` unpacks the tree without git and stops at the
# first absolute symbolic link ("cannot expand absolute symlink target"), and our fixtures
# have several. Once the crates are published, `cargo semver-checks` with no baseline compares
# against the registry instead.
#
# Whether a break is allowed depends on the version bump: 0.1.x -> 0.1.y must not break, a new
# 0.y (or major) may; cargo-semver-checks reads the versions from both trees' Cargo.toml.
# Not run in CI: before a release, and on a branch that changes a public API.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo-semver-checks >/dev/null; then
    echo "semver-check: cargo-semver-checks is not installed; cargo install cargo-semver-checks --locked" >&2
    exit 2
fi

base=${1:-}
if [ -z "$base" ]; then
    base=$(git describe --tags --abbrev=0 --match 'v*' 2>/dev/null || git merge-base HEAD main)
fi
shift || true
git rev-parse --verify --quiet "$base^{commit}" >/dev/null ||
    { echo "semver-check: $base is not a revision of this repository" >&2; exit 2; }

crates=("$@")
if [ ${#crates[@]} -eq 0 ]; then
    # Workspace members that may be published (publish = false gives an empty list), as
    # "name<TAB>directory relative to the root".
    members=$(cargo metadata --no-deps --format-version 1 | python3 -c '
import json, os, sys
m = json.load(sys.stdin)
root = m["workspace_root"]
for p in m["packages"]:
    if p["publish"] != []:
        print(p["name"], os.path.relpath(os.path.dirname(p["manifest_path"]), root), sep="\t")
')
    while IFS=$'\t' read -r name dir; do
        if git cat-file -e "$base:$dir/Cargo.toml" 2>/dev/null; then
            crates+=("$name")
        else
            echo "semver-check: $name is new since $base, skipped" >&2
        fi
    done <<<"$members"
fi

tree=target/semver-baseline
git worktree remove --force "$tree" 2>/dev/null || rm -rf "$tree"
git worktree add --quiet --detach "$tree" "$base"
trap 'git worktree remove --force "$tree"' EXIT

args=()
for c in "${crates[@]}"; do args+=(--package "$c"); done
echo "semver-check: ${crates[*]} against $base ($(git rev-parse --short "$base^{commit}"))"
cargo semver-checks check-release --baseline-root "$tree" "${args[@]}"
