package challenge

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard selects one part of a data set, so that a cluster job array spreads the set over
// many machines: part Index (0-based) of Count parts. The zero Shard (Count 0) selects
// everything.
type Shard struct {
	Index, Count int
}

// ShardIndexEnv is the environment variable that gives the shard index when ParseShard is
// given only a count: Kubernetes sets it in each pod of an Indexed Job, 0-based.
const ShardIndexEnv = "JOB_COMPLETION_INDEX"

// The environment variables of a Slurm job array that ParseShard reads when ShardIndexEnv
// is not set: the task's index, and the first index and step of the array's range.
const (
	SlurmTaskIDEnv   = "SLURM_ARRAY_TASK_ID"
	SlurmTaskMinEnv  = "SLURM_ARRAY_TASK_MIN"
	SlurmTaskStepEnv = "SLURM_ARRAY_TASK_STEP"
)

// ParseShard parses a shard as "k/n" (part k, 0-based, of n parts) or "n" alone. With n
// alone, k comes from the environment through getenv (pass os.Getenv): from
// JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) if it is set, otherwise from a Slurm job
// array as (SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP, so that an
// array --array=1-8 or --array=0-14:2 gives the shards 0 to 7 (a missing MIN counts as 0, a
// missing STEP as 1). "" gives the zero Shard. The error says what is wrong.
func ParseShard(s string, getenv func(string) string) (Shard, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Shard{}, nil
	}
	if getenv == nil {
		getenv = func(string) string { return "" }
	}

	ks, ns, ok := strings.Cut(s, "/")
	if !ok {
		ks, ns = "", s
	}
	n, err := strconv.Atoi(strings.TrimSpace(ns))
	if err != nil || n < 1 {
		return Shard{}, fmt.Errorf("shard %q: the count n of k/n must be a positive integer", s)
	}

	ks = strings.TrimSpace(ks)
	if ks != "" {
		k, err := strconv.Atoi(ks)
		if err != nil || k < 0 || k >= n {
			return Shard{}, fmt.Errorf("shard %q: index k = %q must be an integer from 0 to "+
				"%d", s, ks, n-1)
		}
		return Shard{Index: k, Count: n}, nil
	}
	k, from, err := shardIndexFromEnv(getenv)
	if err != nil {
		return Shard{}, fmt.Errorf("shard %q: %w", s, err)
	}
	if k < 0 || k >= n {
		return Shard{}, fmt.Errorf("shard %q: index %s = %d must be from 0 to %d", s, from, k,
			n-1)
	}
	return Shard{Index: k, Count: n}, nil
}

// shardIndexFromEnv reads the shard index of a Kubernetes Indexed Job or a Slurm job array;
// from names where it came from, for errors.
func shardIndexFromEnv(getenv func(string) string) (k int, from string, err error) {
	num := func(name, def string) (int, error) {
		v := strings.TrimSpace(getenv(name))
		if v == "" {
			v = def
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("$%s = %q is not an integer", name, v)
		}
		return n, nil
	}

	if strings.TrimSpace(getenv(ShardIndexEnv)) != "" {
		k, err := num(ShardIndexEnv, "")
		return k, "$" + ShardIndexEnv, err
	}
	if strings.TrimSpace(getenv(SlurmTaskIDEnv)) == "" {
		return 0, "", fmt.Errorf("no index k given, and neither $%s nor $%s is set",
			ShardIndexEnv, SlurmTaskIDEnv)
	}
	id, err := num(SlurmTaskIDEnv, "")
	if err != nil {
		return 0, "", err
	}
	lo, err := num(SlurmTaskMinEnv, "0")
	if err != nil {
		return 0, "", err
	}
	step, err := num(SlurmTaskStepEnv, "1")
	if err != nil {
		return 0, "", err
	}
	from = fmt.Sprintf("($%s - $%s) / $%s", SlurmTaskIDEnv, SlurmTaskMinEnv, SlurmTaskStepEnv)
	if step < 1 || (id-lo)%step != 0 {
		return 0, "", fmt.Errorf("%s: task %d of an array from %d in steps of %d is not "+
			"on the array's range", from, id, lo, step)
	}
	return (id - lo) / step, from, nil
}

// String returns "k/n", or "" for the zero Shard.
func (s Shard) String() string {
	if s.Count == 0 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Has reports whether the shard holds the i-th file (0-based) of the sorted file list:
// files are dealt to the shards in turn, i mod Count, so every shard gets the same number of
// files give or take one, and the split depends only on the sorted list.
func (s Shard) Has(i int) bool {
	return s.Count == 0 || i%s.Count == s.Index
}

// Select returns the files of the shard, in order. files must be sorted the same way in
// every shard, as FindTreeFiles sorts them.
func (s Shard) Select(files []TreeFile) []TreeFile {
	var out []TreeFile
	for i, f := range files {
		if s.Has(i) {
			out = append(out, f)
		}
	}
	return out
}

// fileTag returns the part of a file name that tells shards apart: "" for the zero Shard,
// otherwise "-shard-k-of-n".
func (s Shard) fileTag() string {
	if s.Count == 0 {
		return ""
	}
	return fmt.Sprintf("-shard-%d-of-%d", s.Index, s.Count)
}
