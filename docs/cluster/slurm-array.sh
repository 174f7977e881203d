#!/usr/bin/env bash
# Reconstruct a whole CMRxRecon tree with a Slurm job array: array task i runs shard i of
# the files (cmrecon run --shard N takes i from $SLURM_ARRAY_TASK_ID, counted from the
# array's first index), every task writes into the same shared output folder, and a
# dependent job checks the merged tree (slurm-check.sh). Submit both from the repository
# (see docs/cluster.md):
#
#   jid=$(INPUT=/data/ChallengeData_ValSet OUTPUT=/scratch/submission \
#         sbatch --parsable docs/cluster/slurm-array.sh)
#   INPUT=/data/ChallengeData_ValSet OUTPUT=/scratch/submission \
#         sbatch --dependency=afterany:"$jid" docs/cluster/slurm-check.sh
#
# The array's size is the number of shards: change --array below (or give --array to
# sbatch) to use more or fewer nodes. A task that dies or is requeued resumes where it
# stopped: complete outputs are skipped, partial ones redone.
#
#SBATCH --job-name=cmrecon
#SBATCH --array=0-7
#SBATCH --cpus-per-task=16
#SBATCH --mem=64G
#SBATCH --time=24:00:00
#SBATCH --requeue
#SBATCH --output=cmrecon-%A_%a.log
set -euo pipefail

CMRECON=${CMRECON:-cmrecon}
INPUT=${INPUT:?set INPUT to the challenge tree to reconstruct}
OUTPUT=${OUTPUT:?set OUTPUT to the output folder, shared by all array tasks}
SHARDS=${SLURM_ARRAY_TASK_COUNT:?run this script as a job array: sbatch --array=0-N}

# The memory budget defaults to half of the job's cgroup limit (--mem); the threads to the
# CPUs Slurm gives the task.
exec "$CMRECON" run --input "$INPUT" --output "$OUTPUT" --shard "$SHARDS" \
	--threads "${SLURM_CPUS_PER_TASK:-1}" --progress log ${CMRECON_FLAGS:-}
