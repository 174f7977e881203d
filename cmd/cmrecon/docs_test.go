package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cmrecon/cmrecon/challenge"
)

// The cluster documentation is tested as it is written: the Slurm scripts run under bash
// with the variables Slurm sets in an array task, and the commands of the Kubernetes
// manifest run with JOB_COMPLETION_INDEX set as in each pod of its Indexed Job. Each time
// the shards must make, together, the tree of one unsharded run, and the check must pass
// only once they all have.

const clusterDocs = "../../docs/cluster"

// cliEnv returns the environment that makes the test binary act as cmrecon, as
// CMRECON=<binary> for the scripts.
func cliEnv(t *testing.T) []string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return append(os.Environ(), asCLI+"=1", "CMRECON="+exe)
}

func TestSlurmScripts(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not found")
	}
	sim := simulateTree(t, 3)
	single := filepath.Join(t.TempDir(), "single")
	cliRun(t, sim, single, "--method", "zf")
	out := filepath.Join(t.TempDir(), "shared")

	// An array --array=1-3 (not starting at 0, to check the index arithmetic), run task by
	// task; the check fails until the last has run.
	const first, count = 1, 3
	check := func() (int, string) {
		cmd := exec.Command(bash, filepath.Join(clusterDocs, "slurm-check.sh"))
		cmd.Env = append(cliEnv(t), "INPUT="+sim, "OUTPUT="+out, "SLURM_JOB_ID=99")
		b, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), string(b)
		} else if err != nil {
			t.Fatal(err)
		}
		return 0, string(b)
	}
	for id := first; id < first+count; id++ {
		cmd := exec.Command(bash, filepath.Join(clusterDocs, "slurm-array.sh"))
		cmd.Env = append(cliEnv(t), "INPUT="+sim, "OUTPUT="+out, "CMRECON_FLAGS=--method zf",
			"SLURM_ARRAY_JOB_ID=98", "SLURM_ARRAY_TASK_ID="+strconv.Itoa(id),
			"SLURM_ARRAY_TASK_MIN="+strconv.Itoa(first), "SLURM_ARRAY_TASK_MAX="+
				strconv.Itoa(first+count-1), "SLURM_ARRAY_TASK_STEP=1",
			"SLURM_ARRAY_TASK_COUNT="+strconv.Itoa(count), "SLURM_CPUS_PER_TASK=2")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("array task %d: %v\n%s", id, err, b)
		}
		shard := fmt.Sprintf("%d/%d", id-first, count)
		rep := readReport(t, out, fmt.Sprintf("cmrecon-run-shard-%d-of-%d.json", id-first,
			count))
		if rep.Shard != shard || rep.Threads != 2 || rep.Done != 2 {
			t.Errorf("array task %d: shard %q, %d threads, %d done; want %s, 2, 2", id,
				rep.Shard, rep.Threads, rep.Done, shard)
		}
		code, msg := check()
		if last := id == first+count-1; (code == 0) != last {
			t.Errorf("check after array task %d: exit %d\n%s", id, code, msg)
		}
	}
	if d := sameTree(outputTree(t, out), outputTree(t, single)); d != "" {
		t.Errorf("the array's tree differs from one run's:\n%s", d)
	}

	// Outside an array the script refuses to run.
	cmd := exec.Command(bash, filepath.Join(clusterDocs, "slurm-array.sh"))
	cmd.Env = append(cliEnv(t), "INPUT="+sim, "OUTPUT="+out)
	if b, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(b),
		"job array") {
		t.Errorf("slurm-array.sh outside an array: %v\n%s", err, b)
	}
}

func TestKubernetesManifest(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(clusterDocs, "k8s-indexed-job.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(string(b), "\n---\n")
	if len(docs) != 2 {
		t.Fatalf("%d YAML documents, want the Indexed Job and the check Job", len(docs))
	}
	job, checkJob := docs[0], docs[1]
	if !regexp.MustCompile(`(?m)^  completionMode: Indexed$`).MatchString(job) {
		t.Error("the Job is not an Indexed Job")
	}
	m := regexp.MustCompile(`(?m)^  completions: (\d+)$`).FindStringSubmatch(job)
	if m == nil {
		t.Fatal("no completions in the Job")
	}
	completions, _ := strconv.Atoi(m[1])
	mounts := map[string]string{}
	for _, m := range regexp.MustCompile(`\{name: (\w+), mountPath: (\S+?)[,}]`).
		FindAllStringSubmatch(job, -1) {
		mounts[m[2]] = m[1]
	}

	sim := simulateTree(t, 3)
	single := filepath.Join(t.TempDir(), "single")
	cliRun(t, sim, single, "--method", "zf")
	dirs := map[string]string{"input": sim, "output": filepath.Join(t.TempDir(), "volume")}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}

	// podCommand returns the pod's command and args, with the volumes' mount paths replaced
	// by the test's folders and the image's binary by the test binary, and its environment.
	podCommand := func(doc string) (string, []string, []string) {
		var command, args []string
		for key, dst := range map[string]*[]string{"command": &command, "args": &args} {
			m := regexp.MustCompile(`(?m)^\s+`+key+`: (\[.*\])$`).FindAllStringSubmatch(
				doc, -1)
			if len(m) == 0 {
				t.Fatalf("no %s in\n%s", key, doc)
			}
			if err := json.Unmarshal([]byte(m[len(m)-1][1]), dst); err != nil {
				t.Fatalf("%s: %v", key, err)
			}
		}
		if command[0] != "/app/cmrecon" {
			t.Fatalf("command %v does not run the image's binary", command)
		}
		all := append(command[1:], args...)
		for i, a := range all {
			if name, ok := mounts[a]; ok {
				all[i] = dirs[name]
			}
		}
		env := cliEnv(t)
		for _, m := range regexp.MustCompile(`(?m)^\s+- name: (\w+)\n\s+value: (\S+)$`).
			FindAllStringSubmatch(doc, -1) {
			env = append(env, m[1]+"="+m[2])
		}
		return exe, all, env
	}

	bin, args, env := podCommand(job)
	shardArg := ""
	for i, a := range args {
		if a == "--shard" && i+1 < len(args) {
			shardArg = args[i+1]
		}
	}
	if shardArg != strconv.Itoa(completions) {
		t.Fatalf("--shard %q, want the completions, %d", shardArg, completions)
	}
	covered := map[int]int{}
	for k := range completions {
		s, err := challenge.ParseShard(shardArg, func(v string) string {
			if v == challenge.ShardIndexEnv {
				return strconv.Itoa(k)
			}
			return ""
		})
		if err != nil || s != (challenge.Shard{Index: k, Count: completions}) {
			t.Fatalf("pod %d: shard %v, %v", k, s, err)
		}
		for i := range 2 * completions {
			if s.Has(i) {
				covered[i]++
			}
		}

		// Zero filling, to keep the test fast; the pods' default is SENSE.
		cmd := exec.Command(bin, append(args, "--method", "zf")...)
		cmd.Env = append(env, challenge.ShardIndexEnv+"="+strconv.Itoa(k))
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("pod %d: %v\n%s", k, err, b)
		}
	}
	for i := range 2 * completions {
		if covered[i] != 1 {
			t.Errorf("file %d is in %d shards", i, covered[i])
		}
	}
	if d := sameTree(outputTree(t, dirs["output"]), outputTree(t, single)); d != "" {
		t.Errorf("the Indexed Job's tree differs from one run's:\n%s", d)
	}

	bin, args, env = podCommand(checkJob)
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	if b, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(b),
		"6 of 6 outputs complete") {
		t.Errorf("check Job: %v\n%s", err, b)
	}
}
