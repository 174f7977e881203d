#!/usr/bin/env bash
# Check that the shards of slurm-array.sh together made every output of the tree: submit it
# with --dependency=afterany:<array job id>, so that it runs when all array tasks have ended,
# whether or not they succeeded. It lists any missing or incomplete output and fails unless
# the tree is complete; rerunning the array then does only what is missing.
#
#SBATCH --job-name=cmrecon-check
#SBATCH --cpus-per-task=1
#SBATCH --mem=4G
#SBATCH --time=1:00:00
#SBATCH --output=cmrecon-check-%j.log
set -euo pipefail

CMRECON=${CMRECON:-cmrecon}
INPUT=${INPUT:?set INPUT to the challenge tree that was reconstructed}
OUTPUT=${OUTPUT:?set OUTPUT to the output folder of the array}

exec "$CMRECON" check --input "$INPUT" --output "$OUTPUT" ${CMRECON_FLAGS:-}
