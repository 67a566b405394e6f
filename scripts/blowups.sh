#!/usr/bin/env bash
# Hostile OVAL content must stay cheap (issue 17): each case below builds a small tree and a
# document that used to blow up, runs oval-eval on it, and prints its wall time and peak RSS
# (/usr/bin/time). A case over 5 s or 200 MB fails the run. The cargo tests check the results
# and limits; this script checks the cost, which a test cannot assert without being flaky.
#
# usage: scripts/blowups.sh
# env: KEEP=DIR keeps the trees, documents and outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --example oval-eval >&2
ours=$(realpath "${CARGO_TARGET_DIR:-target}/release/examples/oval-eval")
out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
root=$out/root
rm -rf "$root"
mkdir -p "$root"
max_s=5
max_kb=$((200 * 1024))

# An oval_definitions document: one definition whose criteria are one test per id given.
doc() { # file, criteria, tests, objects
  cat > "$1" <<XML
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"
  xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5"
  xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent"
  xmlns:unix="http://oval.mitre.org/XMLSchema/oval-definitions-5#unix">
<generator><oval:schema_version>5.11.2</oval:schema_version><oval:timestamp>2026-01-01T00:00:00</oval:timestamp></generator>
<definitions><definition id="oval:b:def:1" version="1" class="compliance"><metadata><title>t</title><description>d</description></metadata>
<criteria>$2</criteria></definition>$5</definitions>
<tests>$3</tests><objects>$4</objects>
</oval_definitions>
XML
}
# An at_least_one_exists test on an object (an object `error` makes it `error`).
tst() { # kind, test n, object n
  printf '<%s id="oval:b:tst:%s" version="1" check="all" check_existence="at_least_one_exists" comment="c"><%s:object object_ref="oval:b:obj:%s"/></%s>' \
    "$1" "$2" "${1%%:*}" "$3" "$1"
}

status=0
run() { # name, document
  if ! /usr/bin/time -o "$out/$1.time" -f '%e %M' "$ours" --root "$root" \
      --results "$out/$1.results.xml" "$2" > "$out/$1.txt" 2> "$out/$1.err"; then
    echo "$1: oval-eval failed (see $out/$1.err)"; status=1; return
  fi
  local t s kb verdict=ok
  t=$(tail -n1 "$out/$1.time")
  s=${t% *} kb=${t#* }
  if awk -v s="$s" -v m="$max_s" 'BEGIN{exit !(s > m)}' || [ "$kb" -gt "$max_kb" ]; then
    verdict=FAIL; status=1
  fi
  printf '%-28s %6s s %8s KB  %-4s %s\n' "$1" "$s" "$kb" "$verdict" \
    "$(grep -m1 '^Definition' "$out/$1.txt" || true)"
}

# 7. Object sets over two 30k-item objects (a `Vec::contains` scan took 160 s).
seq 1 30000 | sed 's/^/a/' > "$root/a.txt"
seq 1 30000 | sed 's/^/b/' > "$root/b.txt"
lines() { # object n, file
  printf '<ind:textfilecontent54_object id="oval:b:obj:%s" version="1"><ind:filepath>%s</ind:filepath><ind:pattern operation="pattern match">^(.*)$</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance></ind:textfilecontent54_object>' "$1" "$2"
}
setobj() { # object n, operator, a, b
  printf '<ind:textfilecontent54_object id="oval:b:obj:%s" version="1"><set set_operator="%s"><object_reference>oval:b:obj:%s</object_reference><object_reference>oval:b:obj:%s</object_reference></set></ind:textfilecontent54_object>' "$1" "$2" "$3" "$4"
}
for op in UNION INTERSECTION COMPLEMENT; do
  doc "$out/set-$op.xml" '<criterion test_ref="oval:b:tst:1"/>' \
    "$(tst ind:textfilecontent54_test 1 3)" \
    "$(lines 1 /a.txt)$(lines 2 /b.txt)$(setobj 3 "$op" 1 2)" ""
  run "set-$op-30k" "$out/set-$op.xml"
done

# 8. A 300-deep directory chain, every level matched by the path pattern and a start of the
#    recursion down (each was walked again: 261 s).
deep=$root/deep$(printf '/d%.0s' $(seq 300))
mkdir -p "$deep"
: > "$deep/x"
doc "$out/fileset.xml" '<criterion test_ref="oval:b:tst:1"/>' \
  "$(tst unix:file_test 1 1)" \
  '<unix:file_object id="oval:b:obj:1" version="1"><unix:behaviors recurse_direction="down"/><unix:path operation="pattern match">^/deep</unix:path><unix:filename>x</unix:filename></unix:file_object>' ""
run "fileset-deep-300" "$out/fileset.xml"

# 9. XPath with nested descendant scans on a 12 KB file (ran over 60 s): refused by the step
#    budget, an `error` for the object.
{ printf '<r>'; for _ in $(seq 1000); do printf '<a b="c"/>'; done; printf '</r>'; } > "$root/x.xml"
doc "$out/xpath.xml" '<criterion test_ref="oval:b:tst:1"/>' \
  "$(tst ind:xmlfilecontent_test 1 1)" \
  '<ind:xmlfilecontent_object id="oval:b:obj:1" version="1"><ind:filepath>/x.xml</ind:filepath><ind:xpath>count(//*[count(//*[count(//*)&gt;0])&gt;0])</ind:xpath></ind:xmlfilecontent_object>' ""
run "xpath-nested-12k" "$out/xpath.xml"

# 6. A pattern matching every character of a 1 MB file (990k items, 3.3 GB): over the
#    per-object item limit, an `error` for the object.
head -c 1000000 /dev/zero | tr '\0' a > "$root/a1m.txt"
doc "$out/items.xml" '<criterion test_ref="oval:b:tst:1"/>' \
  "$(tst ind:textfilecontent54_test 1 1)" \
  '<ind:textfilecontent54_object id="oval:b:obj:1" version="1"><ind:filepath>/a1m.txt</ind:filepath><ind:pattern operation="pattern match">a</ind:pattern><ind:instance datatype="int" operation="greater than or equal">1</ind:instance></ind:textfilecontent54_object>' ""
run "items-1m-pattern-a" "$out/items.xml"

exit $status
