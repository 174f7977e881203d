#!/usr/bin/env bash
# End to end on a whole cine_sax-sized file: 448x162, 10 coils, 14 slices, 12 frames (a
# phantom cine, 975 MiB of k-space, undersampled with the 2025 Uniform R=8 mask and its 20
# calibration lines, stored as MATLAB v7.3 with deflate like the challenge's files). Each
# command reads the file, estimates ESPIRiT maps, runs 30 CG-SENSE iterations and writes the
# submission; GNU time gives the wall time and peak resident memory, and the challenge
# metric scores the ranking outputs against the fully sampled reference.
#
#   [DIR=/tmp/cmrecon_cine_bench] [THREADS=2] [ROUNDS=1] bench/sense/cine.sh
#
# Commands, each with --threads $THREADS:
#   cmrecon recon IN OUT                     the defaults: ranking output, per-column CG,
#                                            lambda 0.002, only what the submission keeps
#   cmrecon recon --output-mode full IN OUT  every slice and frame, per-column CG
#   cmrecon recon --output-mode full --lambda 0 --solver lines IN OUT   bart pics' iteration
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${DIR:-/tmp/cmrecon_cine_bench}
threads=${THREADS:-2}
rounds=${ROUNDS:-1}
mkdir -p "$dir"
in=$dir/cine_sax_kus_Uniform8.mat

go build -o "$dir/cmrecon" ./cmd/cmrecon
if [ ! -f "$in" ]; then
	go build -o "$dir/sense" ./bench/sense
	"$dir/sense" gen -nx 448 -ny 162 -nc 10 -nz 14 -nt 12 -pattern Uniform -r 8 -calib 20 \
		"$dir" >&2
	/usr/bin/python3 bench/sense/make_mat.py "$dir/kus_raw" "$in"
	rm -f "$dir/kus_raw.cfl" "$dir/kus_raw.hdr"
fi
ls -l "$in" >&2

run() { # run NAME ARGS...: time one reconstruction, keep its log
	local name=$1
	shift
	/usr/bin/time -f "$name %e %M %U %S" -a -o "$dir/times.txt" "$dir/cmrecon" recon \
		--threads "$threads" "$@" "$in" "$dir/$name.mat" 2>"$dir/$name.log"
}
rm -f "$dir/times.txt"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
cores=$(go run ./bench/sense/cores -rounds 3)
for _ in $(seq "$rounds"); do
	run ranking
	run full --output-mode full
	run full-bart-iteration --output-mode full --lambda 0 --solver lines
done

echo "load average (1, 5, 15 min) before: $load0, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "cores control (go run ./bench/sense/cores): ${cores#*: }"
echo "448x162x10x14x12, $threads threads, $rounds round(s): wall s, peak RSS MiB, CPU s"
awk '{printf "%-22s %7.2f s %6.0f MiB %7.2f CPU s\n", $1, $2, $3/1024, $4+$5}' \
	"$dir/times.txt"
echo
echo "memory plans (logged before the work):"
for name in ranking full full-bart-iteration; do
	echo "  $name: $(grep 'memory plan' "$dir/$name.log" | sed 's/.*msg="memory plan" //')"
done
echo
echo "ranking output against the fully sampled reference:"
"$dir/cmrecon" eval "$dir/ref_ranking.mat" "$dir/ranking.mat"
