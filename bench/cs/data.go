package main

import (
	"fmt"
	"math"
	"path/filepath"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/fft"
	"github.com/cmrecon/cmrecon/internal/realdata"
	"github.com/cmrecon/cmrecon/mat"
	"github.com/cmrecon/cmrecon/metric"
	"github.com/cmrecon/cmrecon/phantom"
	"github.com/cmrecon/cmrecon/recon"
)

// dataset is fully sampled multi-coil k-space with its ground truth and the rule that
// scores a reconstruction of it.
type dataset struct {
	name     string // short name used on the command line and in the tables
	about    string // what it is
	modality string // challenge modality folder whose CS defaults apply
	k        *recon.KSpace
	gt       *recon.Image

	// ranking scores the img4ranking selection and crop of a cine; otherwise the whole
	// image is scored (the static files are not 2x oversampled, so the crop would cut
	// anatomy away).
	ranking bool
	gtArr   challenge.Array

	// file is the challenge file name whose ranking rules (frames, crop) score a ranked
	// dataset; "" means challenge.DemoName, a short-axis cine.
	file string

	// clean is the noiseless coil k-space (laid out as k) where the truth is known, nil
	// for real data; noise2 is then the expected noise energy of one pixel summed over
	// coils (the noise floor of the reference).
	clean  []complex64
	noise2 float64
}

// datasetNames lists the datasets the harness knows, in table order.
var datasetNames = []string{"phantom", "mchiew", "marcsous", "brain", "t1map", "t2map",
	"t1rho", "perfusion", "flow2d", "brain-synth"}

// loadDataset builds the named dataset.
func loadDataset(name string) (*dataset, error) {
	var d *dataset
	var err error
	switch name {
	case "phantom":
		d, err = phantomData("cine")
	case "t1map", "t2map", "t1rho", "perfusion", "flow2d":
		d, err = phantomData(name) // challenge.PhantomSeries, whose names match in any case
	case "mchiew":
		d, err = mchiewData()
	case "marcsous":
		d, err = marcsousData()
	case "brain":
		d, err = brainData()
	case "brain-synth":
		d, err = synthBrainData()
	default:
		return nil, fmt.Errorf("unknown dataset %q (want one of %v)", name, datasetNames)
	}
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", name, err)
	}
	d.name = name
	if d.gt == nil {
		full := fullMask(d.k)
		if d.gt, err = recon.Reconstruct(d.k, full, recon.Options{}); err != nil {
			return nil, err
		}
	}
	if d.ranking {
		d.gtArr, err = challenge.Img4Ranking(d.rankingName(), d.gt)
	} else {
		d.gtArr, err = challenge.FullSize(d.gt)
	}
	return d, err
}

// score scores a magnitude reconstruction of d with the challenge's metric.
func (d *dataset) score(img *recon.Image) (metric.Result, error) {
	var sub challenge.Array
	var err error
	if d.ranking {
		sub, err = challenge.Img4Ranking(d.rankingName(), img)
	} else {
		sub, err = challenge.FullSize(img)
	}
	if err != nil {
		return metric.Result{}, err
	}
	return metric.Evaluate(d.gtArr.Data, sub.Data, d.gtArr.Dims, sub.Dims, metric.Options{})
}

// rankingName is the file name whose ranking rules score d.
func (d *dataset) rankingName() string {
	if d.file != "" {
		return d.file
	}
	return challenge.DemoName
}

// mask returns the challenge mask of a scenario for d.
func (d *dataset) mask(sc challenge.Scenario, seed uint64) (*recon.Mask, error) {
	return challenge.GenerateMask(challenge.MaskSpec{Pattern: sc.Pattern, NX: d.k.NX,
		NY: d.k.NY, NT: d.k.NT, R: sc.R, Seed: seed})
}

func fullMask(k *recon.KSpace) *recon.Mask {
	m := &recon.Mask{NX: k.NX, NY: k.NY, NT: 1, Data: make([]float32, k.NX*k.NY)}
	for i := range m.Data {
		m.Data[i] = 1
	}
	return m
}

// phantomData is a series of package phantom (challenge.PhantomSeries), scored as the
// challenge scores its file (the cine's first three frames, a mapping series' all) with the
// CS defaults of the file's modality.
func phantomData(series string) (*dataset, error) {
	o, file, ok := challenge.LookupPhantomSeries(series)
	if !ok {
		return nil, fmt.Errorf("no phantom series %q", series)
	}
	modality, _ := challenge.ModalityFolder(file)
	c, err := phantom.New(o)
	if err != nil {
		return nil, err
	}
	gt := c.GroundTruth
	return &dataset{about: fmt.Sprintf("phantom %s series, %s, SNR %g", series, o.Dims(),
		o.SNR), modality: modality, k: &c.KSpace, gt: &gt, ranking: true, file: file,
		clean: phantomClean(c), noise2: float64(o.NC) * c.Sigma * c.Sigma}, nil
}

// realFile returns the path of a real sample file or an error saying it is absent.
func realFile(rel string) (string, error) {
	dir := realdata.Dir()
	if dir == "" {
		return "", fmt.Errorf("real sample folder not found (set %s)", realdata.EnvVar)
	}
	return filepath.Join(dir, rel), nil
}

func readVar(rel, name string) ([]complex64, []int, error) {
	p, err := realFile(rel)
	if err != nil {
		return nil, nil, err
	}
	f, err := mat.Open(p)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return f.ReadComplex64(name, nil)
}

// mchiewData: 16-coil 96x96 brain k-space, fully sampled, as measured.
func mchiewData() (*dataset, error) {
	data, dims, err := readVar("mchiew-sense-tutorial/raw_data.mat", "raw")
	if err != nil {
		return nil, err
	}
	if len(dims) != 4 || dims[2] != 1 {
		return nil, fmt.Errorf("raw has dims %v, want 96x96x1x16", dims)
	}
	d := recon.Dims{NX: dims[0], NY: dims[1], NC: dims[3], NZ: 1, NT: 1}
	return &dataset{about: "mchiew-sense-tutorial/raw_data.mat, 16-coil 96x96 brain",
		modality: "T1w", k: &recon.KSpace{Dims: d, Data: data}}, nil
}

// marcsousData: 8-coil 256x256 phantom coil images, taken to k-space with fft2c.
func marcsousData() (*dataset, error) {
	data, dims, err := readVar("marcsous-parallel/phantom.mat", "data")
	if err != nil {
		return nil, err
	}
	if len(dims) != 3 {
		return nil, fmt.Errorf("data has dims %v, want 256x256x8", dims)
	}
	d := recon.Dims{NX: dims[0], NY: dims[1], NC: dims[2], NZ: 1, NT: 1}
	k := &recon.KSpace{Dims: d, Data: data}
	plan := fft.NewPlan2D(d.NX, d.NY)
	for c := range d.NC {
		plan.CenteredForward(k.Plane(c, 0, 0))
	}
	return &dataset{about: "marcsous-parallel/phantom.mat, 8-coil 256x256 phantom " +
		"(coil images, fft2c)", modality: "T1w", k: k}, nil
}

// brainData: Lustig's 8-coil brain, 320 x 256 with the central 168 phase encodings
// acquired; those 168 lines are kept, which makes it a fully sampled 320 x 168 file.
func brainData() (*dataset, error) {
	data, dims, err := readVar("lustig-spirit-via-mripy/brain_alias_8ch.mat", "DATA")
	if err != nil {
		return nil, err
	}
	if len(dims) != 3 {
		return nil, fmt.Errorf("DATA has dims %v, want 320x256x8", dims)
	}
	nx, ny, nc := dims[0], dims[1], dims[2]
	energy := make([]float64, ny)
	for c := range nc {
		for y := range ny {
			for x := range nx {
				v := data[x+nx*(y+ny*c)]
				energy[y] += float64(real(v))*float64(real(v)) + float64(imag(v))*float64(imag(v))
			}
		}
	}
	y0, y1 := 0, ny
	for y0 < ny && energy[y0] == 0 {
		y0++
	}
	for y1 > y0 && energy[y1-1] == 0 {
		y1--
	}
	n := y1 - y0
	if n < 32 || math.IsNaN(energy[y0]) {
		return nil, fmt.Errorf("DATA: only %d acquired phase encodings", n)
	}
	d := recon.Dims{NX: nx, NY: n, NC: nc, NZ: 1, NT: 1}
	k := &recon.KSpace{Dims: d, Data: make([]complex64, d.Len())}
	for c := range nc {
		for y := range n {
			copy(k.Data[nx*(y+n*c):][:nx], data[nx*(y0+y+ny*c):][:nx])
		}
	}
	return &dataset{about: fmt.Sprintf("lustig-spirit-via-mripy/brain_alias_8ch.mat, 8-coil "+
		"brain, the %d acquired of 256 phase encodings (%dx%d)", n, nx, n),
		modality: "T1w", k: k}, nil
}
