#!/usr/bin/env bash
# oscap 1.3.7 vs scap-rs, side by side: every row of issue 13's table, both tools in the same
# run, alternating (oscap first on odd runs, ours first on even runs, so that a load change on
# a shared machine hits both), medians of RUNS runs, ratios. Prints wall time, CPU time (user +
# system: steadier than wall time on a loaded machine) and peak RSS of each command. Times come
# from wait4's resource usage at a microsecond (/usr/bin/time prints 10 ms steps, and our
# one-profile and Chainguard rows take some tens of milliseconds); the peak RSS from
# /usr/bin/time, which runs the command: a process's peak counts the memory of the process
# that spawned it until its exec (Linux keeps the larger), and /usr/bin/time is small where
# python3 is not.
#
# usage: scripts/bench-vs-oscap.sh [ROW...]
#   rows: rhel9-oval debian11-oval debian11-all debian11-profile chainguard live big-tree
#   default: all but live (oscap takes minutes on a live host) and big-tree (a 400,000-file
#   tree, scripts/make-big-tree.sh, walked whole: bounded memory); ask for those by name
# env: RUNS=N (default 3), ROOT=DIR (default: scripts/make-debian-root.sh bullseye),
#      PROFILE=ID (default anssi_np_nt28_high, the issue's one-profile row),
#      OVAL_BIN / SCAN_BIN (default: built here with --release), KEEP=DIR keeps the outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-ssg.sh >&2
ssg=${SCAP_SSG_DIR:-/usr/share/xml/scap/ssg/content}
runs=${RUNS:-3}
profile=${PROFILE:-anssi_np_nt28_high}
out=${KEEP:-$(mktemp -d)}
mkdir -p "$out"
[ $# -gt 0 ] || set -- rhel9-oval debian11-oval debian11-all debian11-profile chainguard
if [ -z "${OVAL_BIN:-}" ] || [ -z "${SCAN_BIN:-}" ]; then
    cargo build --release --example oval-eval --example scan >&2
fi
oval=${OVAL_BIN:-${CARGO_TARGET_DIR:-target}/release/examples/oval-eval}
scan=${SCAN_BIN:-${CARGO_TARGET_DIR:-target}/release/examples/scan}
needs_root=0
for row in "$@"; do case $row in rhel9-oval | debian11-*) needs_root=1 ;; esac; done
root=
if [ $needs_root = 1 ]; then root=${ROOT:-$(scripts/make-debian-root.sh bullseye)}; fi
# oscap 1.3.7 trap: its dpkginfo probe reads the host's apt configuration.
printf 'Dir::Etc::parts "/nonexistent";\n' > "$out/apt.conf"
export APT_CONFIG=$out/apt.conf

# One timed run: LABEL TOOL COMMAND...; appends "wall cpu rss_kib" to $out/LABEL.TOOL (the
# command's output, both streams, to $out/LABEL.TOOL.out; its exit status is not checked: scan
# exits 2 when a rule fails).
timed() {
    local label=$1 tool=$2
    shift 2
    python3 - "$out/$label.$tool" "$out/$label.$tool.out" "$@" <<'PY'
import os, subprocess, sys, time
record, output, command = sys.argv[1], sys.argv[2], sys.argv[3:]
rss = output + ".rss"
with open(output, "wb") as out:
    start = time.perf_counter()
    child = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss, *command],
                             stdout=out, stderr=subprocess.STDOUT)
    _, _, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
child.returncode = 0  # reaped above
peak = open(rss).read().split()[-1]  # after "Command exited with non-zero status N", if any
with open(record, "a") as r:
    r.write(f"{wall:.4f} {usage.ru_utime + usage.ru_stime:.4f} {peak}\n")
PY
}

# A row: LABEL, then the oscap command and ours, separated by `--`.
row() {
    local label=$1
    shift
    local -a a=() b=()
    while [ "$1" != -- ]; do a+=("$1"); shift; done
    shift
    b=("$@")
    rm -f "$out/$label.oscap" "$out/$label.ours"
    for ((i = 1; i <= runs; i++)); do
        if ((i % 2)); then
            timed "$label" oscap "${a[@]}"
            timed "$label" ours "${b[@]}"
        else
            timed "$label" ours "${b[@]}"
            timed "$label" oscap "${a[@]}"
        fi
    done
    python3 - "$label" "$out/$label.oscap" "$out/$label.ours" <<'PY'
import statistics, sys
def load(p):
    rows = [l.split() for l in open(p) if l.strip()]
    return [statistics.median(float(r[i]) for r in rows) for i in range(3)]
(ow, oc, om), (uw, uc, um) = load(sys.argv[2]), load(sys.argv[3])
print(f"{sys.argv[1]:18} oscap {ow:7.2f}s wall {oc:7.2f}s cpu {om/1024:5.0f} MiB | "
      f"ours {uw:6.3f}s wall {uc:6.3f}s cpu {um/1024:4.1f} MiB | "
      f"x{ow/max(uw,1e-3):.1f} wall, x{oc/max(uc,1e-3):.1f} cpu, x{om/max(um,1):.1f} less memory")
PY
}

echo "median of $runs alternating runs; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in "$@"; do
    case $r in
    rhel9-oval | debian11-oval)
        defs=$ssg/ssg-${r%-oval}-oval.xml
        row "$r" env OSCAP_PROBE_ROOT="$root" oscap oval eval "$defs" \
            -- "$oval" --root "$root" "$defs"
        ;;
    debian11-all | debian11-profile)
        p='(all)'
        [ "$r" = debian11-all ] || p=$profile
        row "$r" env OSCAP_PROBE_ROOT="$root" oscap xccdf eval --profile "$p" \
            "$ssg/ssg-debian11-ds.xml" -- "$scan" --root "$root" --profile "$p" "$ssg/ssg-debian11-ds.xml"
        ;;
    chainguard)
        wolfi=/var/tmp/scap-roots/wolfi-hardened
        scap/tests/fixtures/make-wolfi-root.sh hardened "$wolfi" > /dev/null
        ds=scap/tests/fixtures/ds/chainguard/ssg-chainguard-gpos-ds.xml
        row "$r" env OSCAP_PROBE_ROOT="$wolfi" OSCAP_CONTAINER_VARS="$(cat "$wolfi.env")" \
            oscap xccdf eval --profile xccdf_basic_profile_.check "$ds" \
            -- "$scan" --root "$wolfi" --env-file "$wolfi.env" \
            --profile xccdf_basic_profile_.check "$ds"
        ;;
    big-tree)
        big=$(scripts/make-big-tree.sh)
        row "$r" env OSCAP_PROBE_ROOT="$big" oscap oval eval "$big.oval.xml" \
            -- "$oval" --root "$big" "$big.oval.xml"
        ;;
    live)
        defs=$ssg/ssg-debian11-oval.xml
        row "$r" oscap oval eval "$defs" -- "$oval" "$defs"
        ;;
    *)
        echo "unknown row $r" >&2
        exit 1
        ;;
    esac
done
echo "outputs in $out" >&2
