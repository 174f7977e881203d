#!/bin/sh
# run.sh reproduces QUALITY.md: the CS defaults table, the quality comparison with BART pics
# and the speed comparison. Every step runs one heavy process at a time.
#
#   bench/cs/run.sh tune      # writes recon/cs_defaults.tsv (about 2 hours on 2 cores)
#   bench/cs/run.sh quality   # the results table (BART runs are cached in $OUT)
#   bench/cs/run.sh speed     # BART ADMM vs cmrecon CS, one thread, interleaved
#
# Needs Debian's bart for quality and speed, and the real sample files of
# ../shared/data/real (or $CMRECON_REAL_DATA) for the static datasets.
set -eu
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/cmrecon-bench-cs}
go build -o /tmp/cmrecon-bench-cs-bin ./bench/cs
B=/tmp/cmrecon-bench-cs-bin
case "${1:-quality}" in
tune)
	$B -out "$OUT" -tune /tmp/cs-cine.tsv -data phantom \
		-cs-grid 'wavelet=0.001:0.003,tv=0.001:0.003,ttv=0:0.01:0.03,p=1:0.5:0.25'
	$B -out "$OUT" -tune /tmp/cs-mapping.tsv -data t1map,t2map -threads 1 \
		-cs-grid 'wavelet=0.0005:0.002,tv=0.001:0.003,ttv=0:0.001:0.003,p=1:0.5:0.25'
	$B -out "$OUT" -tune /tmp/cs-perfusion.tsv -data perfusion -threads 1 \
		-cs-grid 'wavelet=0.0005:0.002,tv=0.001:0.003,ttv=0:0.003:0.01,p=1:0.5:0.25'
	$B -out "$OUT" -tune /tmp/cs-t1rho.tsv -data t1rho -threads 1 \
		-cs-grid 'wavelet=0.0005:0.002,tv=0.001:0.003,ttv=0:0.001:0.003,p=1:0.5:0.25'
	$B -out "$OUT" -tune /tmp/cs-flow.tsv -data flow2d -threads 1 \
		-cs-grid 'wavelet=0.001:0.003,tv=0.001:0.003,ttv=0:0.01:0.03,p=1:0.5:0.25'
	$B -out "$OUT" -tune /tmp/cs-static.tsv -data mchiew,marcsous,brain -threads 1 \
		-cs-grid 'wavelet=0.0005:0.002,tv=0:0.001:0.003:0.01,p=1:0.75:0.5:0.25'
	{
		echo "# Default CS regularisers per modality, mask kind and acceleration (recon.CSTable),"
		echo "# written by bench/cs/run.sh tune: Cine rows from the cine phantom, Mapping rows"
		echo "# from its T1- and T2-mapping series, T1rho, Perfusion and Flow2d rows from its"
		echo "# T1rho, perfusion and flow series, rows for any other modality (*) from the three"
		echo "# real static files; see QUALITY.md. Lambdas for --lambda-scaling noise"
		echo "# (recon.LambdaNoise)."
		grep -v '^#' /tmp/cs-cine.tsv
		grep -v '^#' /tmp/cs-mapping.tsv
		grep -v '^#' /tmp/cs-t1rho.tsv
		grep -v '^#' /tmp/cs-perfusion.tsv
		grep -v '^#' /tmp/cs-flow.tsv
		grep -v '^#' /tmp/cs-static.tsv
	} >recon/cs_defaults.tsv
	;;
quality)
	# BART: the best lambdas of a grid refined around its best point, with one set of
	# ESPIRiT maps and then two (searched around the one-set optimum for the cine; on the
	# static files, where the brain needs two sets, the two-set search gets the full grid).
	$B -out "$OUT" -data phantom -bart-maps 1,2 -bart-w 0.001:0.002:0.005:0.01:0.02 \
		-bart-t 0:0.003:0.01:0.03:0.1 -png "$OUT/png" >"$OUT/quality-phantom.md"
	$B -out "$OUT" -data mchiew,marcsous,brain -bart-maps 2,1 -png "$OUT/png" \
		>"$OUT/quality-static.md"
	# The phantom's mapping, T1rho, perfusion and flow series, as the cine; brain-synth
	# without BART (it only shows that the aliased brain's proxy scores like the file).
	$B -out "$OUT" -data t1map,t2map,t1rho,perfusion,flow2d -bart-maps 1,2 \
		-bart-w 0.001:0.002:0.005:0.01:0.02 -bart-t 0:0.003:0.01:0.03:0.1 \
		>"$OUT/quality-contrasts.md"
	$B -out "$OUT" -data brain-synth -bart=false >"$OUT/quality-synth.md"
	$B -out "$OUT" -oracle -data phantom,t1map,t2map,t1rho,perfusion,flow2d,brain-synth \
		>"$OUT/oracle.md"
	cat "$OUT/quality-phantom.md" "$OUT/quality-static.md" "$OUT/quality-contrasts.md" \
		"$OUT/quality-synth.md" "$OUT/oracle.md"
	;;
speed)
	$B -out "$OUT" -speed Uniform:4 -rounds 3 -speed-inner 2,10
	$B -out "$OUT" -speed ktRadial:8 -rounds 3 -speed-inner 2
	;;
*)
	echo "usage: $0 tune|quality|speed" >&2
	exit 2
	;;
esac
