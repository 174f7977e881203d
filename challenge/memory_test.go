package challenge

import (
	"io/fs"
	"testing"

	"github.com/cmrecon/cmrecon/recon"
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

// TestEstimateFileMemory checks that a run's estimate for compressed sensing follows the
// regularisers: with TGV (about three times the vectors of the table's rows) it is
// recon.PlanReconstruction's total for a mask of the scenario in the name, plus the k-space
// again and 16 MiB, and above EstimateMemory's fixed count; the table's row of the name's
// modality is planned when no regulariser is given; and a name without a scenario, a
// scenario GenerateMask cannot build and the other methods keep EstimateMemory.
func TestEstimateFileMemory(t *testing.T) {
	dims := [5]int{256, 108, 10, 2, 12}
	d := recon.Dims{NX: 256, NY: 108, NC: 10, NZ: 2, NT: 12}
	tgv, err := recon.ParseRegularizers("tgv=0.001,ttv=0.01")
	if err != nil {
		t.Fatal(err)
	}
	cs := recon.Options{Method: recon.MethodCS, CS: recon.CSOptions{Regularizers: tgv}}
	plain := EstimateMemory(dims, recon.MethodCS, 2)

	got := EstimateFileMemory("P001/cine_sax_kus_ktRadial8.mat", dims, cs, 2)
	m, err := GenerateMask(MaskSpec{Pattern: KtRadial, NX: 256, NY: 108, NT: 12, R: 8})
	if err != nil {
		t.Fatal(err)
	}
	cs.Threads = 2
	p, err := recon.PlanReconstruction(d, m, cs)
	if err != nil {
		t.Fatal(err)
	}
	if want := p.TotalBytes + p.KSpaceBytes + 16<<20; got != want || got <= plain {
		t.Errorf("TGV: estimate %d, want %d (the plan), above EstimateMemory's %d", got, want,
			plain)
	}

	def := recon.Options{Method: recon.MethodCS}
	if got := EstimateFileMemory("cine_sax_kus_Uniform8.mat", dims, def, 2); got == plain ||
		got >= EstimateFileMemory("cine_sax_kus_Uniform8.mat", dims, cs, 2) {
		t.Errorf("table row: estimate %d, EstimateMemory %d", got, plain)
	}
	for _, c := range []struct {
		name string
		opts recon.Options
		want int64
	}{
		{"cine_sax.mat", cs, plain},
		{"cine_sax_kus_ktUniform8.mat", cs, plain},
		{"cine_sax_kus_Uniform8.mat", recon.Options{Method: recon.MethodSENSE},
			EstimateMemory(dims, recon.MethodSENSE, 2)},
		{"cine_sax_kus_Uniform8.mat", recon.Options{},
			EstimateMemory(dims, recon.MethodZeroFilled, 2)},
	} {
		if got := EstimateFileMemory(c.name, dims, c.opts, 2); got != c.want {
			t.Errorf("%s, %q: estimate %d, want %d", c.name, c.opts.Method, got, c.want)
		}
	}
}
