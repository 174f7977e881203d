package challenge

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/cmrecon/cmrecon/metric"
	"github.com/cmrecon/cmrecon/phantom"
	"github.com/cmrecon/cmrecon/recon"
)

// DemoName is the file name whose modality rules the demo's outputs follow: a cine, so the
// ranking output keeps the first three frames of the central slices, cropped.
const DemoName = "cine_sax.mat"

// DemoOptions configures RunDemo.
type DemoOptions struct {
	// Phantom describes the data; the zero value means phantom.DefaultOptions().
	Phantom phantom.Options

	// Scenarios are the masks to try; nil means Scenarios2025 (Uniform, ktGaussian and
	// ktRadial at R 8, 16 and 24).
	Scenarios []Scenario

	// Methods are the reconstructions to run on each mask; nil means zero-filled, SENSE and
	// compressed sensing.
	Methods []recon.Method

	// CS configures MethodCS; an empty Modality means Cine, the phantom's. Its Threads and
	// Progress fields are not used.
	CS recon.CSOptions

	// Seed seeds the random masks.
	Seed uint64

	// Threads bounds the goroutines used (values below 1: one per CPU).
	Threads int

	// Progress, when not nil, receives each result as soon as it is known.
	Progress func(DemoResult)

	// PNG, when not "", is a folder that receives one panel per scenario,
	// demo_<scenario>.png: the ground truth, every method (labelled with its SSIM) and
	// their error maps, on the ranking crop of the first frame (see WritePanel).
	PNG string
}

// DemoResult is the score of one method on one mask.
type DemoResult struct {
	Scenario   Scenario
	Method     recon.Method
	EffectiveR float64       // k-space samples over samples taken
	Score      metric.Result // against the phantom's ground truth, ranking output
	Elapsed    time.Duration // reconstruction time, ESPIRiT included

	// Regularizers are, for CS, those it used (DemoOptions.CS.Regs of the mask: the CS
	// table's row unless the options give a list), before the noise scaling; nil for the
	// other methods.
	Regularizers []recon.Regularizer
}

// RunDemo runs cmrecon's main job on a built-in cine phantom: it makes fully sampled
// multi-coil k-space with package phantom, undersamples it with the challenge's masks,
// reconstructs it with each method, selects and crops the output as a validation submission,
// and scores it with the challenge's metric against the ground truth made the organisers' way
// (root sum of squares of the fully sampled coil images). Everything is deterministic.
func RunDemo(opts DemoOptions) ([]DemoResult, error) {
	po := opts.Phantom
	if po.NX == 0 {
		po = phantom.DefaultOptions()
	}
	scenarios := opts.Scenarios
	if scenarios == nil {
		scenarios = Scenarios2025()
	}
	methods := opts.Methods
	if methods == nil {
		methods = []recon.Method{recon.MethodZeroFilled, recon.MethodSENSE, recon.MethodCS}
	}
	cso := opts.CS
	if cso.Modality == "" {
		cso.Modality, _ = ModalityFolder(DemoName)
	}

	cine, err := phantom.New(po)
	if err != nil {
		return nil, fmt.Errorf("demo phantom: %w", err)
	}
	gt, err := Img4Ranking(DemoName, &cine.GroundTruth)
	if err != nil {
		return nil, fmt.Errorf("demo ground truth: %w", err)
	}

	var results []DemoResult
	for _, sc := range scenarios {
		m, err := GenerateMask(MaskSpec{Pattern: sc.Pattern, NX: po.NX, NY: po.NY, NT: po.NT,
			R: sc.R, Seed: opts.Seed})
		if err != nil {
			return nil, fmt.Errorf("demo mask %s: %w", sc, err)
		}

		var tiles []PanelImage
		for _, method := range methods {
			start := time.Now()
			img, err := recon.Reconstruct(&cine.KSpace, m, recon.Options{Method: method,
				Threads: opts.Threads, CS: cso})
			if err != nil {
				return nil, fmt.Errorf("demo %s %s: %w", method, sc, err)
			}
			elapsed := time.Since(start)

			sub, err := Img4Ranking(DemoName, img)
			if err != nil {
				return nil, fmt.Errorf("demo %s %s: %w", method, sc, err)
			}
			score, err := metric.Evaluate(gt.Data, sub.Data, gt.Dims, sub.Dims, metric.Options{})
			if err != nil {
				return nil, fmt.Errorf("demo %s %s: %w", method, sc, err)
			}

			r := DemoResult{Scenario: sc, Method: method, EffectiveR: EffectiveR(m),
				Score: score, Elapsed: elapsed}
			if method == recon.MethodCS {
				r.Regularizers = cso.Regs(m)
			}
			tiles = append(tiles, PanelImage{Label: fmt.Sprintf("%s SSIM %.3f", method,
				score.SSIM), Image: img})
			results = append(results, r)
			if opts.Progress != nil {
				opts.Progress(r)
			}
		}
		if opts.PNG != "" {
			p := filepath.Join(opts.PNG, "demo_"+sc.String()+".png")
			err := WritePanel(p, PanelImage{Label: "ground truth", Image: &cine.GroundTruth},
				tiles, PanelOptions{Crop: true, Zoom: 2})
			if err != nil {
				return nil, err
			}
		}
	}
	return results, nil
}
