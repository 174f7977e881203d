// Command cmrecon reconstructs CMRxRecon cardiac MRI k-space on the CPU, writes the
// challenge's submission files and scores them with the challenge's metric.
//
// Usage:
//
//	cmrecon info [--json] [--stats] FILE
//	cmrecon recon [--method zf|sense|cs] [--solver columns|lines|plane] [--lambda L]
//	              [--reg kind=lambda,...] [--cs-solver fista|pogm|admm|pd] [--cs-table FILE]
//	              [--lambda-scaling noise|signal] [--mask MASK] [--output-mode ranking|full]
//	              [--png DIR] [--threads N] [--max-memory B] [--layout x,y,c,z,t] IN OUT.mat
//	cmrecon mask --pattern Uniform|ktGaussian|ktRadial --accel R [--acs 20] --size NXxNY[xNT]
//	             [--seed S] OUT.mat
//	cmrecon eval [--json] REFERENCE OUT.mat
//	cmrecon demo [--methods zf,sense,cs] [--reg kind=lambda,...] [--seed S]
//	cmrecon run --input DIR --output DIR [--task T] [--method zf|sense|cs] [--output-mode M]
//	            [--threads N] [--jobs N] [--max-memory B] [--shard k/n] [--verify]
//	            [--progress auto|bar|log]
//	cmrecon container [--input /input] [--output /output] [run flags]
//	cmrecon check --input DIR --output DIR [--task T] [--output-mode M] [--json]
//	cmrecon score --gt DIR --submission DIR [--task T] [--sheet FILE.xlsx] [--json|--csv|--md]
//	              [--plot OUT.png] [--test]
//	cmrecon simulate (--input DIR | --phantom N) --output DIR [--task T] [--scenarios LIST]
//	              [--per-file K] [--seed S] [--gt-mode ranking|full]
//	cmrecon tune --out TABLE.tsv [--phantom] [--scenarios LIST] [--grid G] [--refine N]
//	              [--output-mode ranking|full] [--layout L] [FULLY_SAMPLED.mat ...]
//
// Run "cmrecon COMMAND -h" for the flags of a command. Every command is a thin layer over the
// library packages (mat, recon, challenge, metric, phantom) of module
// github.com/cmrecon/cmrecon. Logs go to standard error; results to standard output.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// command is one subcommand of the CLI.
type command struct {
	name    string
	summary string
	run     func(env *env, args []string) error
}

// env is what a command may touch: its output streams and logger. Tests run commands with
// buffers in place of the process's streams.
type env struct {
	stdout, stderr io.Writer
	log            *slog.Logger
}

// errUsage marks a command-line mistake: the command printed its usage, exit status 2.
var errUsage = errors.New("usage")

func commands() []command {
	return []command{
		{"info", "list the variables of a MATLAB, HDF5 or BART cfl file", runInfo},
		{"recon", "reconstruct a k-space file into a submission file", runRecon},
		{"mask", "generate a CMRxRecon 2025 undersampling mask", runMask},
		{"eval", "score a submission file with the challenge's metric", runEval},
		{"demo", "undersample, reconstruct and score a built-in cine phantom", runDemo},
		{"run", "reconstruct every file of a challenge tree into a submission tree", runRun},
		{"container", "the Docker entrypoint: run /input into /output as the test phase " +
			"does, then check", runContainer},
		{"check", "verify that a submission tree holds every file of a challenge tree",
			runCheck},
		{"score", "score a submission tree against a ground-truth tree, as the challenge does",
			runScore},
		{"simulate", "build a validation-style tree (kus, masks, ground truth) from fully " +
			"sampled data", runSimulate},
		{"tune", "choose CS regularisers on fully sampled data and write them as a table",
			runTune},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line args and returns the process exit status: 0 on success, 1
// when the work failed, 2 for a command-line mistake, 130 for a run stopped by an interrupt
// (the shell's status for a command ended by Ctrl-C).
func run(args []string, stdout, stderr io.Writer) int {
	e := &env{
		stdout: stdout,
		stderr: stderr,
		log:    slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: logLevel()})),
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}

	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(e, args[1:])
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		}
		fmt.Fprintf(stderr, "cmrecon %s: %s\n", c.name, oneLine(err.Error()))
		if errors.Is(err, context.Canceled) {
			return 130
		}
		return 1
	}
	fmt.Fprintf(stderr, "cmrecon: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "cmrecon reconstructs CMRxRecon cardiac MRI k-space on the CPU.")
	fmt.Fprintln(w, "\nUsage: cmrecon COMMAND [flags] [args]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"cmrecon COMMAND -h\" for the flags of a command.")
	fmt.Fprintln(w, "Set CMRECON_LOG=debug|info|warn|error to change how much is logged.")
}

// logLevel reads the log level from $CMRECON_LOG; the default is info.
func logLevel() slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(os.Getenv("CMRECON_LOG"))); err != nil {
		return slog.LevelInfo
	}
	return l
}

// oneLine keeps an error message on one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// newFlags returns a flag set for a command whose usage lists its synopsis and flags.
func newFlags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: cmrecon %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags that may come before, between or after the positional arguments, and
// checks the number of positional arguments.
func parse(fs *flag.FlagSet, args []string, nargs int) ([]string, error) {
	pos, err := parseVariadic(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) != nargs {
		fmt.Fprintf(fs.Output(), "cmrecon %s: want %d argument(s), got %d\n", fs.Name(), nargs,
			len(pos))
		fs.Usage()
		return nil, errUsage
	}
	return pos, nil
}

// parseVariadic parses flags that may come before, between or after any number of
// positional arguments and returns those arguments.
func parseVariadic(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	return pos, nil
}
