package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cmrecon/cmrecon/challenge"
)

func runCheck(e *env, args []string) error {
	fs := newFlags(e, "check", "--input DIR --output DIR [--task T] [--output-mode "+
		"ranking|full] [--json]")
	input := fs.String("input", envDefault("CMRECON_INPUT", ""), "the challenge tree that "+
		"was reconstructed ($CMRECON_INPUT)")
	output := fs.String("output", envDefault("CMRECON_OUTPUT", ""), "the (merged) output "+
		"tree to verify ($CMRECON_OUTPUT)")
	task := fs.String("task", envDefault("CMRECON_TASK", ""), "only this task "+
		"($CMRECON_TASK; default: every task of the input)")
	mode := fs.String("output-mode", envDefault("CMRECON_OUTPUT_MODE", "ranking"), "the "+
		"output mode of the run: ranking or full ($CMRECON_OUTPUT_MODE)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	layout := fs.String("layout", challenge.DefaultLayout, "names of the k-space dims in file "+
		"order")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *input == "" || *output == "" {
		fmt.Fprintln(e.stderr, "cmrecon check: --input and --output are required")
		return errUsage
	}
	opts := challenge.CheckOptions{Input: *input, Output: *output, Task: *task,
		Mode: challenge.OutputMode(*mode)}
	if opts.Mode != challenge.OutputRanking && opts.Mode != challenge.OutputFull {
		fmt.Fprintf(e.stderr, "cmrecon check: --output-mode %q: want ranking or full\n", *mode)
		return errUsage
	}
	var err error
	if opts.Layout, err = challenge.ParseLayout(*layout); err != nil {
		fmt.Fprintf(e.stderr, "cmrecon check: --layout: %v\n", err)
		return errUsage
	}

	if !*asJSON {
		return verifyTree(e, opts)
	}
	r, err := challenge.CheckTree(opts)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return err
	}
	if !r.OK() {
		return errors.New(r.String())
	}
	return nil
}

// verifyTree checks an output tree, prints what is wrong and a summary, and fails unless
// the tree is complete.
func verifyTree(e *env, opts challenge.CheckOptions) error {
	r, err := challenge.CheckTree(opts)
	if err != nil {
		return err
	}
	for _, p := range r.Missing {
		fmt.Fprintf(e.stdout, "missing     %s\n", p)
	}
	for _, p := range r.Incomplete {
		fmt.Fprintf(e.stdout, "incomplete  %s: %s\n", p.Output, p.Problem)
	}
	for _, p := range r.Extra {
		fmt.Fprintf(e.stdout, "extra       %s\n", p)
	}
	fmt.Fprintln(e.stdout, r.String())
	if !r.OK() {
		return fmt.Errorf("%s: %s", opts.Output, r.String())
	}
	return nil
}
