package main

import (
	"fmt"

	"github.com/cmrecon/cmrecon/challenge"
)

func runScore(e *env, args []string) error {
	fs := newFlags(e, "score", "--gt DIR --submission DIR [--task T] [--sheet FILE.xlsx|csv] "+
		"[--json|--csv|--md] [--plot OUT.png] [--test]")
	gt := fs.String("gt", "", "ground-truth tree (<Task>/MultiCoil/<Modality>/<Set>/"+
		"FullSample_<Task>/...)")
	sub := fs.String("submission", "", "submission tree (<Task>/MultiCoil/<Modality>/<Set>/"+
		"UnderSample_<Task>/...), or the archive uploaded (.zip, .tar, .tar.gz, .tgz)")
	task := fs.String("task", "", "score this task only (default: every task of --gt)")
	sheet := fs.String("sheet", "", "the organisers' patient sheet, .xlsx (a worksheet per "+
		"task) or CSV (Center, Manufacturer, AnonPatientID, Disease1..4, optional Task): "+
		"groups TaskR1 by the sheet's centre and manufacturer and the other tasks by disease")
	asJSON := fs.Bool("json", false, "print the report as JSON (every file, group and task)")
	asCSV := fs.Bool("csv", false, "print the report as CSV (file, group and task rows)")
	asMD := fs.Bool("md", false, "print the report as Markdown tables (the default)")
	plotPath := fs.String("plot", "", "also write a PNG of SSIM by pattern and acceleration")
	test := fs.Bool("test", false, "score as the test-phase scorer does (arrays squeezed "+
		"first, one submission per ground truth from <Task> or UnderSample_<Task>, extra "+
		"files ignored)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *gt == "" || *sub == "" {
		fmt.Fprintln(e.stderr, "cmrecon score: --gt and --submission are required")
		return errUsage
	}
	formats := 0
	for _, b := range []bool{*asJSON, *asCSV, *asMD} {
		if b {
			formats++
		}
	}
	if formats > 1 {
		fmt.Fprintln(e.stderr, "cmrecon score: give at most one of --json, --csv and --md")
		return errUsage
	}
	if *task != "" && !validTask(*task) {
		fmt.Fprintf(e.stderr, "cmrecon score: --task %q: want TaskR1, TaskR2, TaskS1 or "+
			"TaskS2\n", *task)
		return errUsage
	}

	opts := challenge.ScoreOptions{Task: *task, Test: *test}
	if *sheet != "" {
		s, err := challenge.ReadSheetFile(*sheet)
		if err != nil {
			return err
		}
		opts.Sheet = s
	}

	rep, err := challenge.ScoreTree(*gt, *sub, opts)
	if err != nil {
		return err
	}
	for _, t := range rep.Tasks {
		if len(t.Unlisted) > 0 {
			e.log.Warn("ground-truth files whose patient the sheet lacks are in no disease "+
				"group and count nowhere", "task", t.Task, "files", len(t.Unlisted),
				"first", t.Unlisted[0])
		}
	}
	if *plotPath != "" {
		if err := rep.PlotSSIM(*plotPath); err != nil {
			return err
		}
		e.log.Info("plot written", "file", *plotPath)
	}
	switch {
	case *asJSON:
		return rep.WriteJSON(e.stdout)
	case *asCSV:
		return rep.WriteCSV(e.stdout)
	}
	return rep.WriteMarkdown(e.stdout)
}
