package challenge

import (
	"io/fs"
	"testing"
)

// TestCgroupMemoryLimit reads the memory limit from fake /proc and /sys trees of the kinds
// found in practice.
func TestCgroupMemoryLimit(t *testing.T) {
	for _, c := range []struct {
		name  string
		files map[string]string
		want  int64
	}{
		{"v2 container", map[string]string{
			"/proc/self/cgroup":         "0::/\n",
			"/sys/fs/cgroup/memory.max": "4294967296\n",
		}, 4 << 30},
		{"v2 no limit", map[string]string{
			"/proc/self/cgroup":         "0::/\n",
			"/sys/fs/cgroup/memory.max": "max\n",
		}, 0},
		{"v2 slurm job, limit above the step", map[string]string{
			"/proc/self/cgroup": "0::/system.slice/slurmstepd.scope/job_42/step_0/user/task_0\n",
			"/sys/fs/cgroup/system.slice/slurmstepd.scope/job_42/step_0/user/task_0/" +
				"memory.max": "max\n",
			"/sys/fs/cgroup/system.slice/slurmstepd.scope/job_42/memory.max": "8589934592\n",
			"/sys/fs/cgroup/memory.max":                                      "max\n",
		}, 8 << 30},
		{"v1 container", map[string]string{
			"/proc/self/cgroup": "12:pids:/docker/abc\n4:memory:/docker/abc\n" +
				"1:name=systemd:/docker/abc\n",
			"/sys/fs/cgroup/memory/memory.limit_in_bytes": "2147483648\n",
		}, 2 << 30},
		{"v1 unlimited", map[string]string{
			"/proc/self/cgroup":                                         "4:memory:/process_api/1\n",
			"/sys/fs/cgroup/memory/memory.limit_in_bytes":               "9223372036854771712\n",
			"/sys/fs/cgroup/memory/process_api/1/memory.limit_in_bytes": "9223372036854771712\n",
		}, 0},
		{"v1 host path", map[string]string{
			"/proc/self/cgroup": "4:cpuacct,memory:/slurm/uid_1/job_7\n",
			"/sys/fs/cgroup/memory/slurm/uid_1/job_7/memory.limit_in_bytes": "1073741824",
		}, 1 << 30},
		{"no cgroup", map[string]string{}, 0},
	} {
		read := func(name string) ([]byte, error) {
			v, ok := c.files[name]
			if !ok {
				return nil, fs.ErrNotExist
			}
			return []byte(v), nil
		}
		if got := cgroupMemoryLimit(read); got != c.want {
			t.Errorf("%s: limit %d, want %d", c.name, got, c.want)
		}
	}

	if b := DefaultMemoryBudget(); b <= 0 {
		t.Errorf("DefaultMemoryBudget() = %d", b)
	}
}
