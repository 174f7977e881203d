package challenge_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/phantom"
	"github.com/cmrecon/cmrecon/recon"
)

// The whole loop on phantom data: a fully sampled training set, a validation tree simulated
// from it, a run over the tree, the completeness check and the official score.
func ExampleScoreTree() {
	dir, err := os.MkdirTemp("", "cmrecon-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	o := phantom.DefaultOptions()
	o.NX, o.NY, o.NC, o.NZ, o.NT = 64, 48, 4, 3, 4
	train, sim, out := filepath.Join(dir, "train"), filepath.Join(dir, "sim"),
		filepath.Join(dir, "out")
	if _, err := challenge.WritePhantomSet(train, 2, o); err != nil {
		fmt.Println(err)
		return
	}
	files, err := challenge.Simulate(train, sim, challenge.SimulateOptions{Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("simulated", len(files), "files")

	rep, err := challenge.Run(context.Background(), challenge.RunOptions{Input: sim,
		Output: out, Recon: recon.Options{Method: recon.MethodSENSE}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("reconstructed", rep.Done, "of", len(rep.Files))

	check, err := challenge.CheckTree(challenge.CheckOptions{Input: sim, Output: out})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(check)

	score, err := challenge.ScoreTree(sim, out, challenge.ScoreOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	s := score.Tasks[0].Summary
	fmt.Printf("%s: %d groups, %d of %d files valid, SSIM above 0.85: %v\n",
		score.Tasks[0].Task, len(s.Groups), s.ValidFiles, s.Files, s.SSIM > 0.85)
	// Output:
	// simulated 4 files
	// reconstructed 4 of 4
	// 4 of 4 outputs complete, 0 missing, 0 incomplete, 0 extra
	// TaskR1: 2 groups, 4 of 4 files valid, SSIM above 0.85: true
}

// A shard of a Kubernetes Indexed Job: the count is given, the index comes from the pod's
// environment.
func ExampleParseShard() {
	env := map[string]string{challenge.ShardIndexEnv: "3"}
	s, err := challenge.ParseShard("8", func(k string) string { return env[k] })
	fmt.Println(s, err)

	// A Slurm array --array=1-8: task 4 is shard 3.
	env = map[string]string{challenge.SlurmTaskIDEnv: "4", challenge.SlurmTaskMinEnv: "1"}
	s, err = challenge.ParseShard("8", func(k string) string { return env[k] })
	fmt.Println(s, err)
	// Output:
	// 3/8 <nil>
	// 3/8 <nil>
}
