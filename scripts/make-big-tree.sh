#!/usr/bin/env bash
# A tree of N empty files (default 400,000: 400 directories of 1,000 files, plus a few links)
# and an OVAL document whose one definition walks all of it (a recursive file_object whose
# filename matches nothing), to measure what a scan costs on a large host: time, syscalls and
# peak memory must stay bounded (scap-probe's ScanView caps its cache, ViewLimits).
#
# usage: scripts/make-big-tree.sh [DIR] [N]   prints DIR; the OVAL is DIR.oval.xml (cached)
set -euo pipefail
dir=${1:-/var/tmp/scap-roots/big-400k}
n=${2:-400000}
if [ ! -e "$dir/.done-$n" ]; then
    rm -rf "$dir"
    mkdir -p "$dir/etc"
    python3 - "$dir" "$n" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
per = 1000
for d in range((n + per - 1) // per):
    sub = os.path.join(root, "data", f"d{d // 20:03}", f"e{d:04}")
    os.makedirs(sub, exist_ok=True)
    for f in range(min(per, n - d * per)):
        open(os.path.join(sub, f"f{f:04}"), "w").close()
os.symlink("data", os.path.join(root, "link-to-data"))
os.symlink("/data/d000", os.path.join(root, "etc", "abs-link"))
PY
    touch "$dir/.done-$n"
fi
cat > "$dir.oval.xml" <<'XML'
<?xml version="1.0"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
    xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
    xmlns:unix="http://oval.mitre.org/XMLSchema/oval-definitions-5#unix">
  <generator><oval:schema_version>5.11</oval:schema_version>
    <oval:timestamp>2026-12-01T00:00:00</oval:timestamp></generator>
  <definitions>
    <definition id="oval:big:def:1" version="1" class="compliance">
      <metadata><title>no file named nomatch anywhere</title><description>walks the tree</description></metadata>
      <criteria><criterion test_ref="oval:big:tst:1"/></criteria>
    </definition>
  </definitions>
  <tests>
    <unix:file_test id="oval:big:tst:1" version="1" check="all" check_existence="none_exist" comment="none">
      <unix:object object_ref="oval:big:obj:1"/>
    </unix:file_test>
  </tests>
  <objects>
    <unix:file_object id="oval:big:obj:1" version="1">
      <unix:behaviors recurse="directories" recurse_direction="down" max_depth="-1" recurse_file_system="all"/>
      <unix:path>/</unix:path>
      <unix:filename operation="pattern match">^nomatch$</unix:filename>
    </unix:file_object>
  </objects>
</oval_definitions>
XML
echo "$dir"
