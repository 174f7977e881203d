#!/bin/sh
# run.sh runs the FFT comparison (bench/fft) interleaved and prints ratio tables: for every
# size, batch and thread count, the median time of each implementation and its ratio to FFTW
# (time / FFTW time: below 1 is faster than FFTW) and gonum's time over it (speed-up); "measure"
# is cmrecon on the best path with MeasurePlan's decompositions instead of NewPlan's. A second
# table gives, for batch 10, the speed-up of two threads over one for each implementation: the
# median over the -count rounds of t(1 thread)/t(2 threads), in wall time, within a round (the
# two runs of a round are seconds apart, so a paired ratio suffers less from the load of a
# shared machine than a ratio of medians), and the CPU time per op of two threads over one
# (near 1: no work lost to splitting; the wall speed-up then needs only a free second core);
# "spin", fixed CPU work split over the threads, is the control that shows whether a second
# core was free at all.
#
#   bench/fft/run.sh                      # everything, -count 5, -benchtime 0.3s
#   COUNT=7 BENCHTIME=1s FILTER='512x216' bench/fft/run.sh
#   TAGS= bench/fft/run.sh                # without FFTW (no cgo, no libfftw3-dev)
#   METRIC=cpu bench/fft/run.sh           # process CPU time per op instead of wall time
#   IN=/tmp/fftbench.txt bench/fft/run.sh # only the tables, from an earlier run's output
#   FORMAT=md bench/fft/run.sh            # Markdown tables (as in bench/README.md)
#   NAME=FFT2DC128 bench/fft/run.sh       # the complex128 comparison (BenchmarkFFT2DC128)
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
FORMAT=${FORMAT:-text}
NAME=${NAME:-FFT2D}
if [ -n "${IN:-}" ]; then
	OUT=$IN
else
	go test -tags "$TAGS" -run '^$' -bench "^Benchmark$NAME\$/$FILTER" -count "$COUNT" \
		-benchtime "$BENCHTIME" -timeout 60m ./bench/fft/ | tee "$OUT" >/dev/null
fi
/usr/bin/python3 - "$OUT" "$METRIC" "$FORMAT" "$NAME" <<'PY'
import re, statistics, sys
unit = "cpu-ns/op" if sys.argv[2] == "cpu" else "ns/op"
md = sys.argv[3] == "md"
times = {}  # "size/batch/threads" -> impl -> [values in run order]
cpus = {}
walls = {}
cpu = ""
for line in open(sys.argv[1]):
    if line.startswith("cpu:"):
        cpu = line.split(":", 1)[1].strip()
    m = re.match(r"Benchmark" + sys.argv[4] + r"/(\S+?)/(\w+)(?:-\d+)?\s+\d+\s", line)
    v = re.search(r"([\d.]+) " + re.escape(unit) + r"(\s|$)", line)
    c = re.search(r"([\d.]+) cpu-ns/op(\s|$)", line)
    w = re.search(r"([\d.]+) ns/op(\s|$)", line)
    if m and w:
        walls.setdefault(m.group(1), {}).setdefault(m.group(2), []).append(float(w.group(1)))
    if m and v:
        times.setdefault(m.group(1), {}).setdefault(m.group(2), []).append(float(v.group(1)))
    if m and c:
        cpus.setdefault(m.group(1), {}).setdefault(m.group(2), []).append(float(c.group(1)))
impls = ["go", "avx2", "avx512", "neon", "measure"]
scaling = impls + ["spin"]
present = [i for i in impls if any(i in row for row in times.values())]
rounds = max((len(v) for row in times.values() for v in row.values()), default=0)
if md:
    print("CPU: %s. Metric: %s, median of %d interleaved rounds; in each cell the time in µs, "
          "its ratio to FFTW (below 1: faster than FFTW) and, for batch 1, gonum's time over it."
          % (cpu, unit, rounds))
    print()
    print("| size | batch | threads | FFTW µs | gonum µs | " +
          " | ".join(present) + " |")
    print("|" + " --- |" * (5 + len(present)))
else:
    print("cpu:", cpu, "| metric:", unit, "(median of the runs)")
    print("%-28s %10s %10s | %s" % ("size/batch/threads", "fftw µs", "gonum µs",
          "  ".join("%-24s" % (i + " µs (xFFTW, gonum/x)") for i in present)))
for key, row in times.items():
    med = {k: statistics.median(v) / 1e3 for k, v in row.items()}
    fw, gn = med.get("fftw"), med.get("gonum")
    cells = []
    for i in present:
        if i not in med:
            cells.append("-")
            continue
        t = med[i]
        r = "%.2fx" % (t / fw) if fw else "-"
        g = "%.0fx" % (gn / t) if gn else "-"
        if md:
            cells.append("%.0f (%s%s)" % (t, r, ", gonum/%s" % g if gn else ""))
        else:
            cells.append("%-24s" % ("%.1f (%s, %s)" % (t, r, g)))
    if md:
        size, batch, threads = key.split("/")
        print("| %s | %s | %s | %s | %s | %s |" % (size, batch[5:], threads[7:],
              "%.0f" % fw if fw else "-", "%.0f" % gn if gn else "-", " | ".join(cells)))
    else:
        print("%-28s %10s %10s | %s" % (key, "%.1f" % fw if fw else "-",
              "%.1f" % gn if gn else "-", "  ".join(cells)))
rows = []
cols = [i for i in ["fftw"] + scaling if any(i in row for row in walls.values())]
for key in times:
    if not key.endswith("/threads1") or "/batch1/" in key + "/":
        continue
    two = key[:-1] + "2"
    if two not in times:
        continue
    cells = []
    for i in cols:
        a, b = walls[key].get(i, []), walls[two].get(i, [])
        n = min(len(a), len(b))
        if n == 0:
            cells.append("-" if md else "%-22s" % (i + " -"))
            continue
        sp = statistics.median(a[j] / b[j] for j in range(n))
        ca, cb = cpus.get(key, {}).get(i, []), cpus.get(two, {}).get(i, [])
        k = min(len(ca), len(cb))
        cr = "%.2f" % statistics.median(cb[j] / ca[j] for j in range(k)) if k else "-"
        if md:
            cells.append("%.2fx (%s)" % (sp, cr))
        else:
            cells.append("%-22s" % ("%s %.2fx (cpu %s)" % (i, sp, cr)))
    if md:
        rows.append("| %s | %s |" % (key[:-len("/threads1")].split("/")[0], " | ".join(cells)))
    else:
        rows.append("%-28s | %s" % (key[:-len("/threads1")], "  ".join(cells)))
if rows:
    print()
    if md:
        print("Two threads over one, batch 10: median over the rounds of t(1 thread)/t(2 "
              "threads) within a round (wall time), and in brackets the ratio of CPU time per "
              "op, two threads over one.")
        print()
        print("| size | " + " | ".join("FFTW" if c == "fftw" else c for c in cols) + " |")
        print("|" + " --- |" * (1 + len(cols)))
    else:
        print("two threads over one: median paired speed-up t1/t2 (wall), cpu-ns/op ratio t2/t1")
    for r in rows:
        print(r)
PY
