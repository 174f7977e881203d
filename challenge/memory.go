package challenge

import (
	"os"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/cmrecon/cmrecon/mat"
)

// The folders that the challenge's test phase mounts into a submission's container: the
// input tree, read-only, at /input, and the folder for the outputs at /output
// (cmrxrecon-data.md §1.4). The container command of cmrecon uses them as its defaults.
const (
	ContainerInput  = "/input"
	ContainerOutput = "/output"
)

// DefaultMemoryBudget returns the memory budget of a run whose RunOptions.MaxMemory is 0:
// half of the memory the process may use, which is the machine's (mat.DefaultMaxBytes, half
// of /proc/meminfo's MemTotal) or, when it is lower, half of the memory limit of the
// process's control group, as Docker (--memory), Kubernetes (resources.limits.memory) and
// Slurm (--mem) set it.
func DefaultMemoryBudget() int64 {
	budgetOnce.Do(func() {
		budget = mat.DefaultMaxBytes()
		if l := cgroupMemoryLimit(os.ReadFile); l > 0 && l/2 < budget {
			budget = l / 2
		}
	})
	return budget
}

var (
	budgetOnce sync.Once
	budget     int64
)

// cgroupMemoryLimit returns the smallest memory limit in bytes of the control groups of the
// process, from /proc/self/cgroup and the cgroup file systems below /sys/fs/cgroup, read
// through readFile; 0 when there is none or it cannot be read. With cgroup v2 it reads
// memory.max of the process's group and of each group above it; with v1, the memory
// controller's memory.limit_in_bytes. In a container the group path is "/" and the files
// are those of the container.
func cgroupMemoryLimit(readFile func(string) ([]byte, error)) int64 {
	b, err := readFile("/proc/self/cgroup")
	if err != nil {
		return 0
	}

	var limit int64
	take := func(file string) {
		v, err := readFile(file)
		if err != nil {
			return
		}
		s := strings.TrimSpace(string(v))
		n, err := strconv.ParseInt(s, 10, 64)
		// "max" (v2) and the v1 "unlimited" value (a page-rounded 2^63-1) mean no limit.
		if err != nil || n <= 0 || n >= 1<<62 {
			return
		}
		if limit == 0 || n < limit {
			limit = n
		}
	}
	for line := range strings.Lines(string(b)) {
		parts := strings.SplitN(strings.TrimSpace(line), ":", 3)
		if len(parts) != 3 {
			continue
		}
		group := path.Clean("/" + parts[2])
		switch {
		case parts[0] == "0" && parts[1] == "":
			for g := group; ; g = path.Dir(g) {
				take(path.Join("/sys/fs/cgroup", g, "memory.max"))
				if g == "/" {
					break
				}
			}
		case hasController(parts[1], "memory"):
			take(path.Join("/sys/fs/cgroup/memory", group, "memory.limit_in_bytes"))
			take("/sys/fs/cgroup/memory/memory.limit_in_bytes")
		}
	}
	return limit
}

func hasController(list, name string) bool {
	for c := range strings.SplitSeq(list, ",") {
		if c == name {
			return true
		}
	}
	return false
}
