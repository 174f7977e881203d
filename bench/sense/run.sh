#!/usr/bin/env bash
# Side-by-side CG-SENSE and ESPIRiT: Debian's bart against cmrecon (bench/sense) on the same
# .cfl files, a 512x216, 10-coil, 12-frame phantom cine slice undersampled with a Uniform
# R=4 line mask and 24 calibration lines (effective R 3). Every command runs ROUNDS times,
# interleaved, under GNU time; the script prints the median wall time of each, the ratios
# to bart, each command's peak resident memory, and the challenge metric (SSIM, PSNR) of
# every reconstruction against the fully sampled reference, on the ranking crop and on the
# whole image. "CPU s" is the median user+system time: on a machine shared with other work,
# the wall-time gain of a second thread is bounded by the CPU time the others leave.
#
#   [ROUNDS=3] [DIR=/tmp/cmrecon_sense_bench] [BART2=1] [ITERS=30] bench/sense/run.sh
#
# Commands (each reads and writes .cfl files, so file I/O is included on both sides):
#   bart ecalib -m1 ksp_avg sens_bart              (OMP_NUM_THREADS=1 and 2)
#   sense ecalib -threads N ksp_avg sens_cm        (N = 1, 2)
#   bart pics -S -l2 -i ITERS ksp sens_bart img    (OMP_NUM_THREADS=1; also 2 with BART2=1)
#   sense pics -threads N -lambda 0 ksp sens_cm img (N = 1, 2): bart's iteration, lambda 0,
#       on the column operator (recon.SolverLines, the library default for line masks)
#   sense pics -threads N -lambda 0.002 -solver columns [-ranking] ksp sens_cm img: the
#       command line's default (recon.DefaultLambda, per-column CG), on every column or on
#       the ranking crop's columns only
# plus, once each: bart pics -l2 -r 0.002 (bart's joint iteration with the same lambda) and
# cmrecon's lambda-0 solver on bart's maps (the solver alone against bart's).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${ROUNDS:-3}
dir=${DIR:-/tmp/cmrecon_sense_bench}
iters=${ITERS:-30}
bin=/tmp/cmrecon_sense_bench_bin

go build -o "$bin" ./bench/sense
if [ ! -f "$dir/ksp.cfl" ]; then
	"$bin" gen "$dir" >&2
fi
log=$(mktemp)
stages=$(mktemp)
timed() { # timed NAME COMMAND...: append "NAME SECONDS KB USER SYS" to the log
	local name=$1
	shift
	(cd "$dir" && /usr/bin/time -f "$name %e %M %U %S" -a -o "$log" "$@") |
		sed "s/^/$name /" >>"$stages"
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
cores0=$(go run ./bench/sense/cores -rounds 3)
for _ in $(seq "$rounds"); do
	timed bart-ecalib-1 env OMP_NUM_THREADS=1 bart ecalib -m1 ksp_avg sens_bart
	timed cmrecon-ecalib-1 "$bin" ecalib -threads 1 ksp_avg sens_cm
	timed bart-ecalib-2 env OMP_NUM_THREADS=2 bart ecalib -m1 ksp_avg sens_bart
	timed cmrecon-ecalib-2 "$bin" ecalib -threads 2 ksp_avg sens_cm
	timed bart-pics-1 env OMP_NUM_THREADS=1 bart pics -S -l2 -i "$iters" ksp sens_bart \
		img_bart
	timed cmrecon-pics-1 "$bin" pics -threads 1 -iters "$iters" -lambda 0 ksp sens_cm img_cm
	timed cmrecon-pics-2 "$bin" pics -threads 2 -iters "$iters" -lambda 0 ksp sens_cm \
		img_cm2
	timed cmrecon-default-1 "$bin" pics -threads 1 -iters "$iters" -lambda 0.002 \
		-solver columns ksp sens_cm img_def
	timed cmrecon-default-2 "$bin" pics -threads 2 -iters "$iters" -lambda 0.002 \
		-solver columns ksp sens_cm img_def2
	timed cmrecon-ranking-1 "$bin" pics -threads 1 -iters "$iters" -lambda 0.002 \
		-solver columns -ranking ksp sens_cm img_rank
	timed cmrecon-ranking-2 "$bin" pics -threads 2 -iters "$iters" -lambda 0.002 \
		-solver columns -ranking ksp sens_cm img_rank2
	if [ -n "${BART2:-}" ]; then
		timed bart-pics-2 env OMP_NUM_THREADS=2 bart pics -S -l2 -i "$iters" ksp \
			sens_bart img_bart2
	fi
done
timed bart-pics-r-1 env OMP_NUM_THREADS=1 bart pics -S -l2 -r 0.002 -i "$iters" ksp \
	sens_bart img_bart_r
cores1=$(go run ./bench/sense/cores -rounds 3)
cd "$dir"
"$bin" pics -threads 2 -iters "$iters" -lambda 0 ksp sens_bart img_cm_bartmaps >/dev/null
echo "load average (1, 5, 15 min) before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cores control (go run ./bench/sense/cores) before: ${cores0#*: }"
echo "                                         after: ${cores1#*: }"

scores=$(mktemp)
for img in img_bart img_cm img_cm2 img_cm_bartmaps img_bart_r img_def img_rank; do
	crop=$("$bin" score -ranking ref "$img")
	full="(only the crop's columns reconstructed)"
	if [ "$img" != img_rank ]; then
		full=$("$bin" score ref "$img" | sed 's/.*: //')
	fi
	echo "$crop | $full" >>"$scores"
done

/usr/bin/python3 - "$log" "$scores" "$iters" "$stages" <<'PY'
import re, statistics, sys
t, rss, cpu = {}, {}, {}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) != 5 or f[0].startswith("Command"):
        continue
    t.setdefault(f[0], []).append(float(f[1]))
    rss[f[0]] = max(rss.get(f[0], 0), int(f[2]))
    cpu.setdefault(f[0], []).append(float(f[3]) + float(f[4]))
med = {k: statistics.median(v) for k, v in t.items()}
n = len(next(iter(t.values())))
print(f"512x216, 10 coils, 12 frames, {sys.argv[3]} CG iterations; {n} interleaved rounds; "
      "median wall seconds (file I/O included)")
print(f"{'command':20} {'median s':>9} {'min s':>7} {'CPU s':>7} {'peak RSS MiB':>13}")
for k in med:
    c = statistics.median(cpu[k])
    print(f"{k:20} {med[k]:9.3f} {min(t[k]):7.3f} {c:7.2f} {rss[k]/1024:13.0f}")
def ratio(a, b):
    if a in med and b in med:
        print(f"{a} / {b} = {med[a]/med[b]:.2f}   (speed-up {med[b]/med[a]:.2f}x)")
print()
ratio("cmrecon-ecalib-1", "bart-ecalib-1")
ratio("cmrecon-ecalib-2", "bart-ecalib-2")
ratio("cmrecon-pics-1", "bart-pics-1")
ratio("cmrecon-pics-2", "bart-pics-1")
ratio("cmrecon-pics-2", "cmrecon-pics-1")
ratio("cmrecon-default-1", "bart-pics-1")
ratio("cmrecon-default-2", "cmrecon-default-1")
ratio("cmrecon-ranking-1", "bart-pics-1")
ratio("cmrecon-ranking-2", "cmrecon-ranking-1")
ratio("cmrecon-pics-2", "bart-pics-2")
def cpuratio(a, b):
    if a in cpu and b in cpu:
        ca, cb = statistics.median(cpu[a]), statistics.median(cpu[b])
        print(f"CPU {a} / {b} = {ca/cb:.2f}")
print()
cpuratio("cmrecon-ecalib-1", "bart-ecalib-1")
cpuratio("cmrecon-pics-1", "bart-pics-1")
cpuratio("cmrecon-pics-2", "cmrecon-pics-1")
stage = {}
for line in open(sys.argv[4]):
    m = re.match(r"(\S+) cmrecon \w+: .*(?:SENSE|ESPIRiT) ([\d.]+) s", line)
    if m:
        stage.setdefault(m.group(1), []).append(float(m.group(2)))
print()
print("cmrecon's solver stage alone (median s; the rest is reading, mask and writing):")
for k, v in stage.items():
    print(f"  {k:20} {statistics.median(v):7.3f}")
for a, b in (("cmrecon-pics-1", "cmrecon-pics-2"), ("cmrecon-default-1", "cmrecon-default-2"),
             ("cmrecon-ranking-1", "cmrecon-ranking-2"), ("cmrecon-ecalib-1", "cmrecon-ecalib-2")):
    if a in stage and b in stage:
        print(f"  {b} speed-up over one thread: "
              f"{statistics.median(stage[a]) / statistics.median(stage[b]):.2f}x")
print()
print("scores against the fully sampled reference (challenge metric, every frame):")
print("  image: ranking crop | whole image")
for line in open(sys.argv[2]):
    print(" ", line.strip().replace("score ", ""))
PY
rm -f "$log" "$scores" "$stages"
