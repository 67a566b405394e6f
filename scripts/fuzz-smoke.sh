#!/usr/bin/env bash
# Runs OSS-Fuzz's build steps (fuzz/oss-fuzz/build.sh) locally, then every fuzz target for
# FUZZ_SECONDS (default 60) on a copy of its seed corpus (with the XML dictionary where
# build.sh gives one). Fails on the first crash, leak, timeout or out-of-memory, naming the
# target and the input libFuzzer saved. Installs cargo-fuzz and zip if missing; uses the
# nightly toolchain if installed, else stable with RUSTC_BOOTSTRAP=1 (the sanitizer flags are
# unstable options).
#
# FUZZ_JOBS targets run at once (default 1; CI runs two, one per core).
#
#   scripts/fuzz-smoke.sh                 # every target, 60 s each
#   FUZZ_SECONDS=1800 scripts/fuzz-smoke.sh oval_eval   # one target, 30 minutes
#   FUZZ_JOBS=2 scripts/fuzz-smoke.sh     # every target, two at a time (the CI job)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
command -v zip >/dev/null || { apt-get update -qq && apt-get install -y -qq zip >/dev/null; }
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  export RUSTUP_TOOLCHAIN=nightly
else
  export RUSTC_BOOTSTRAP=1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/src" "$work/out"
ln -s "$repo" "$work/src/scap-rs"
SRC="$work/src" OUT="$work/out" bash "$repo/fuzz/oss-fuzz/build.sh"

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cd "$repo" && cargo fuzz list)
fi
# Runs one target on a copy of its seeds; prints its report in one piece (jobs may overlap)
# and leaves the target's name in $work/failed when it fails.
run_target() {
  local t=$1 corpus="$work/corpus/$1" out
  mkdir -p "$corpus"
  if [ -f "$work/out/${t}_seed_corpus.zip" ]; then
    (cd "$corpus" && unzip -q "$work/out/${t}_seed_corpus.zip")
  fi
  local args=(-max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1
              -artifact_prefix="$work/crash-$t-")
  [ -f "$work/out/$t.dict" ] && args+=(-dict="$work/out/$t.dict")
  out=$(printf '== %s (%s s, %s seeds)\n' "$t" "$seconds" "$(ls "$corpus" | wc -l)")
  if ! "$work/out/$t" "${args[@]}" "$corpus" > "$work/$t.log" 2>&1; then
    out+=$'\n'$(grep -E "ERROR|panicked|SUMMARY|Test unit written" "$work/$t.log" | head -20)
    mkdir -p "$repo/fuzz/artifacts/$t"
    cp "$work"/crash-"$t"-* "$repo/fuzz/artifacts/$t/" 2>/dev/null || true
    out+=$'\n'"fuzz-smoke: $t FAILED (inputs kept under fuzz/artifacts/$t/)"
    echo "$t" >> "$work/failed"
  else
    out+=$'\n'$(grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/$t.log" | tr '\n' ' ')
  fi
  printf '%s\n' "$out"
}

for t in "${targets[@]}"; do
  [ -x "$work/out/$t" ] || { echo "fuzz-smoke: $t was not built by build.sh"; exit 1; }
done
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_target "$t" &
done
wait
if [ -s "$work/failed" ]; then
  echo "fuzz-smoke: failed: $(tr '\n' ' ' < "$work/failed")"
  exit 1
fi
