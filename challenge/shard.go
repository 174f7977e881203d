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

// ParseShard parses a shard as "k/n" (part k, 0-based, of n parts) or "n" alone, in which
// case k is read from the environment variable JOB_COMPLETION_INDEX through getenv (pass
// os.Getenv). "" gives the zero Shard. The error says what is wrong.
func ParseShard(s string, getenv func(string) string) (Shard, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Shard{}, nil
	}

	ks, ns, ok := strings.Cut(s, "/")
	if !ok {
		ks, ns = "", s
	}
	n, err := strconv.Atoi(strings.TrimSpace(ns))
	if err != nil || n < 1 {
		return Shard{}, fmt.Errorf("shard %q: the count n of k/n must be a positive integer", s)
	}

	from := "k"
	ks = strings.TrimSpace(ks)
	if ks == "" {
		if getenv != nil {
			ks = strings.TrimSpace(getenv(ShardIndexEnv))
		}
		from = "$" + ShardIndexEnv
		if ks == "" {
			return Shard{}, fmt.Errorf("shard %q: no index k given and %s is not set", s,
				ShardIndexEnv)
		}
	}
	k, err := strconv.Atoi(ks)
	if err != nil || k < 0 || k >= n {
		return Shard{}, fmt.Errorf("shard %q: index %s = %q must be an integer from 0 to %d",
			s, from, ks, n-1)
	}
	return Shard{Index: k, Count: n}, nil
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
