#!/bin/sh
# run.sh runs the FFT comparison (bench/fft) interleaved and prints ratio tables: for every
# size, batch and thread count, the median time of each implementation and its ratio to FFTW
# (time / FFTW time: below 1 is faster than FFTW) and gonum's time over it (speed-up).
#
#   bench/fft/run.sh                      # everything, -count 5, -benchtime 0.3s
#   COUNT=7 BENCHTIME=1s FILTER='512x216' bench/fft/run.sh
#   TAGS= bench/fft/run.sh                # without FFTW (no cgo, no libfftw3-dev)
#   METRIC=cpu bench/fft/run.sh           # process CPU time per op instead of wall time
#
# Needs Debian's libfftw3-dev (for the fftw tag) and /usr/bin/python3. The raw go test output
# is kept in $OUT (default /tmp/fftbench.txt) for benchstat.
set -eu
cd "$(dirname "$0")/../.."
COUNT=${COUNT:-5}
BENCHTIME=${BENCHTIME:-0.3s}
FILTER=${FILTER:-.}
TAGS=${TAGS-fftw}
OUT=${OUT:-/tmp/fftbench.txt}
METRIC=${METRIC:-wall}
go test -tags "$TAGS" -run '^$' -bench "BenchmarkFFT2D/$FILTER" -count "$COUNT" \
	-benchtime "$BENCHTIME" -timeout 60m ./bench/fft/ | tee "$OUT" >/dev/null
/usr/bin/python3 - "$OUT" "$METRIC" <<'PY'
import re, statistics, sys
unit = "cpu-ns/op" if sys.argv[2] == "cpu" else "ns/op"
times = {}
cpu = ""
for line in open(sys.argv[1]):
    if line.startswith("cpu:"):
        cpu = line.split(":", 1)[1].strip()
    m = re.match(r"BenchmarkFFT2D/(\S+?)/(\w+)(?:-\d+)?\s+\d+\s", line)
    v = re.search(r"([\d.]+) " + re.escape(unit) + r"(\s|$)", line)
    if m and v:
        times.setdefault(m.group(1), {}).setdefault(m.group(2), []).append(float(v.group(1)))
print("cpu:", cpu, "| metric:", unit, "(median of the runs)")
impls = ["go", "avx2", "avx512", "neon"]
print("%-28s %10s %10s | %s" % ("size/batch/threads", "fftw µs", "gonum µs",
      "  ".join("%-24s" % (i + " µs (xFFTW, gonum/x)") for i in impls)))
for key, row in times.items():
    med = {k: statistics.median(v) / 1e3 for k, v in row.items()}
    fw, gn = med.get("fftw"), med.get("gonum")
    cells = []
    for i in impls:
        if i not in med:
            continue
        t = med[i]
        r = "%.2fx" % (t / fw) if fw else "-"
        g = "%.0fx" % (gn / t) if gn else "-"
        cells.append("%-24s" % ("%.1f (%s, %s)" % (t, r, g)))
    print("%-28s %10s %10s | %s" % (key, "%.1f" % fw if fw else "-",
          "%.1f" % gn if gn else "-", "  ".join(cells)))
PY
