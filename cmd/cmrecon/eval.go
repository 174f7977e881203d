package main

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/metric"
)

func runEval(e *env, args []string) error {
	fs := newFlags(e, "eval", "[--json] [--order official|textbook] REFERENCE OUT.mat")
	asJSON := fs.Bool("json", false, "print one JSON object: ssim, psnr, nmse (file means) "+
		"and per-image arrays")
	order := fs.String("order", "official", "reference image of the metric: official (the "+
		"scorer's order: the submission for 4-D arrays, the ground truth otherwise) or "+
		"textbook (always the ground truth)")
	squeeze := fs.Bool("squeeze", false, "drop singleton dims first, as the test-phase scorer does")
	layout := fs.String("layout", challenge.DefaultLayout, "names of a k-space REFERENCE's dims")
	name := fs.String("name", "", "file name whose modality rules make the ground truth from a "+
		"k-space REFERENCE (default: REFERENCE's name)")
	pos, err := parse(fs, args, 2)
	if err != nil {
		return err
	}

	var opts challenge.EvalOptions
	switch *order {
	case "official":
		opts.Metric.Order = metric.OrderOfficial
	case "textbook":
		opts.Metric.Order = metric.OrderTextbook
	default:
		fmt.Fprintf(e.stderr, "cmrecon eval: --order %q: want official or textbook\n", *order)
		return errUsage
	}
	opts.Metric.Squeeze = *squeeze
	if opts.Layout, err = challenge.ParseLayout(*layout); err != nil {
		fmt.Fprintf(e.stderr, "cmrecon eval: --layout: %v\n", err)
		return errUsage
	}
	opts.Name = *name
	opts.Threads = runtime.NumCPU()

	r, err := challenge.EvaluateFile(pos[0], pos[1], opts)
	if err != nil {
		return err
	}

	if *asJSON {
		return writeEvalJSON(e, pos[0], pos[1], r)
	}
	ref := "ground truth"
	if r.SubmissionIsReference {
		ref = "submission"
	}
	fmt.Fprintf(e.stdout, "%s against %s: %d image(s) of %s, reference image: %s\n", pos[1],
		pos[0], len(r.Images), dimsText(r.Dims[:2]), ref)
	fmt.Fprintf(e.stdout, "  %-12s %10s %10s %12s\n", "image", "SSIM", "PSNR", "NMSE")
	for _, im := range r.Images {
		fmt.Fprintf(e.stdout, "  %-12s %10.4f %10.4f %12.4e\n", indexText(im.Index), im.SSIM,
			im.PSNR, im.NMSE)
	}
	fmt.Fprintf(e.stdout, "  %-12s %10.4f %10.4f %12.4e\n", "mean", r.SSIM, r.PSNR, r.NMSE)
	return nil
}

// writeEvalJSON prints the result as one JSON object. Infinite PSNR (identical images) is
// written as null, which JSON can represent.
func writeEvalJSON(e *env, reference, submission string, r metric.Result) error {
	type image struct {
		Index []int    `json:"index"`
		SSIM  *float64 `json:"ssim"`
		PSNR  *float64 `json:"psnr"`
		NMSE  *float64 `json:"nmse"`
	}
	num := func(v float64) *float64 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return &v
	}
	out := struct {
		Reference             string     `json:"reference"`
		Submission            string     `json:"submission"`
		SSIM                  *float64   `json:"ssim"`
		PSNR                  *float64   `json:"psnr"`
		NMSE                  *float64   `json:"nmse"`
		Dims                  []int      `json:"dims"`
		SubmissionIsReference bool       `json:"submission_is_reference"`
		PerImageSSIM          []*float64 `json:"per_image_ssim"`
		PerImagePSNR          []*float64 `json:"per_image_psnr"`
		PerImageNMSE          []*float64 `json:"per_image_nmse"`
		Images                []image    `json:"images"`
	}{
		Reference: reference, Submission: submission,
		SSIM: num(r.SSIM), PSNR: num(r.PSNR), NMSE: num(r.NMSE),
		Dims: r.Dims, SubmissionIsReference: r.SubmissionIsReference,
	}
	for _, im := range r.Images {
		out.PerImageSSIM = append(out.PerImageSSIM, num(im.SSIM))
		out.PerImagePSNR = append(out.PerImagePSNR, num(im.PSNR))
		out.PerImageNMSE = append(out.PerImageNMSE, num(im.NMSE))
		out.Images = append(out.Images, image{Index: im.Index, SSIM: num(im.SSIM),
			PSNR: num(im.PSNR), NMSE: num(im.NMSE)})
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// indexText formats the 0-based index of an image within its file, e.g. "[0 2]".
func indexText(idx []int) string {
	if len(idx) == 0 {
		return "-"
	}
	return fmt.Sprint(idx)
}
