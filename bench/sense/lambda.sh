#!/usr/bin/env bash
# The measurements behind recon.DefaultLambda: ranking-crop SSIM (challenge metric, every
# frame) of CG-SENSE after 30 iterations on phantom cines (448x162, 10 coils, 12 frames, one
# slice) under the 2025 line masks (Uniform and ktGaussian at R = 8, 16, 24 with 20
# calibration lines, SNR 150; R = 8 also at SNR 40 and 500) and on bench/sense/run.sh's
# 512x216 slice at Uniform R=4: bart's joint iteration at lambda 0 (the reference), then for
# each lambda the joint iteration (J, recon.SolverLines) and per-column CG on the crop's
# columns (C, recon.SolverColumns with -ranking). Maps are cmrecon's ESPIRiT. ktRadial (R = 8,
# 24) is not a line mask: both columns then run the 2-D operator (recon.SolverPlane) on the
# whole image, so J = C there.
#
#   [DIR=/tmp/cmrecon_lambda] [LAMBDAS="0.001 0.002 0.005 0.01 0.02"] [ONLY=glob] \
#       bench/sense/lambda.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=${DIR:-/tmp/cmrecon_lambda}
lambdas=${LAMBDAS:-0.001 0.002 0.005 0.01 0.02}
bin=$dir/sense
mkdir -p "$dir"
go build -o "$bin" ./bench/sense

cases=()
for p in Uniform ktGaussian; do
	for r in 8 16 24; do
		cases+=("$p$r:-pattern $p -r $r -snr 150")
	done
	cases+=("${p}8-snr40:-pattern $p -r 8 -snr 40" "${p}8-snr500:-pattern $p -r 8 -snr 500")
done
cases+=("ktRadial8:-pattern ktRadial -r 8 -snr 150" "ktRadial24:-pattern ktRadial -r 24 -snr 150")
for c in "${cases[@]}"; do
	name=${c%%:*}
	if [ ! -f "$dir/$name/sens.cfl" ]; then
		# shellcheck disable=SC2086
		"$bin" gen -nx 448 -ny 162 -calib 20 ${c#*:} "$dir/$name" >/dev/null
		"$bin" ecalib -threads 2 "$dir/$name/ksp_avg" "$dir/$name/sens" >/dev/null
	fi
done
if [ ! -f "$dir/512x216-R4/sens.cfl" ]; then
	"$bin" gen "$dir/512x216-R4" >/dev/null
	"$bin" ecalib -threads 2 "$dir/512x216-R4/ksp_avg" "$dir/512x216-R4/sens" >/dev/null
fi

ssim() { # ssim DIR PICS-ARGS...: the ranking-crop SSIM of one reconstruction
	local d=$1
	shift
	"$bin" pics -threads 2 "$@" "$d/ksp" "$d/sens" "$d/img" >/dev/null
	"$bin" score -ranking "$d/ref" "$d/img" | awk '{print $4}'
}
printf "%-20s %9s" "case" "J lambda0"
for l in $lambdas; do printf " | %-17s" "lambda $l: J, C"; done
echo
for d in "$dir"/${ONLY:-*}/; do
	d=${d%/}
	printf "%-20s %9s" "$(basename "$d")" "$(ssim "$d" -lambda 0 -solver lines)"
	for l in $lambdas; do
		printf " | %8s %8s" "$(ssim "$d" -lambda "$l" -solver lines)" \
			"$(ssim "$d" -lambda "$l" -solver columns -ranking)"
	done
	echo
done
