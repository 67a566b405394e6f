#!/bin/bash -eu
set -eu
# OSS-Fuzz build script: every cargo-fuzz target, optimised with the sanitizer OSS-Fuzz asks
# for, copied to $OUT with its seed corpus (fuzz/corpus/TARGET, zipped) and, for the targets
# that read XML, the XML dictionary (fuzz/dicts/xml.dict).
cd "$SRC/scap-rs"
cargo fuzz build -O
release=fuzz/target/x86_64-unknown-linux-gnu/release
for target in $(cargo fuzz list); do
  cp "$release/$target" "$OUT/"
  if [ -d "fuzz/corpus/$target" ] && [ -n "$(ls -A "fuzz/corpus/$target")" ]; then
    (cd "fuzz/corpus/$target" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
  fi
  case "$target" in
    arf_*|oval_eval|oval_parse|oval_variables|xccdf_*|cpe_dictionary|dsig_*)
      cp fuzz/dicts/xml.dict "$OUT/$target.dict" ;;
  esac
done
