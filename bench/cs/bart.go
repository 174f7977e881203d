package main

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cmrecon/cmrecon/mat"
	"github.com/cmrecon/cmrecon/recon"
)

// bart runs Debian's bart on one undersampled problem in its own folder: the masked k-space
// as [nx ny 1 nc 1 1 1 1 1 1 nt] and ESPIRiT maps from bart ecalib -m1 on the time-averaged
// k-space, as BART's cine tutorial does.
type bart struct {
	exe     string
	dir     string
	threads int
	nx, ny  int
	nt      int
	iters   int
	maps    int
}

// newBART writes the undersampled k-space of d under mask m into dir and runs ecalib.
func newBART(d *dataset, m *recon.Mask, dir string, threads, iters, maps int) (*bart, error) {
	exe, err := exec.LookPath("bart")
	if err != nil {
		return nil, fmt.Errorf("bart not installed: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	k := d.k
	if k.NZ != 1 {
		return nil, fmt.Errorf("bart: %d slices, want 1", k.NZ)
	}
	b := &bart{exe: exe, dir: dir, threads: threads, nx: k.NX, ny: k.NY, nt: k.NT,
		iters: iters, maps: max(maps, 1)}

	us := make([]complex64, len(k.Data))
	n := k.NX * k.NY
	for it := range k.NT {
		w := m.Frame(it)
		for c := range k.NC {
			src := k.Plane(c, 0, it)
			dst := us[n*(c+k.NC*it):][:n]
			for i, v := range src {
				dst[i] = v * complex(w[i], 0)
			}
		}
	}
	dims := []int{k.NX, k.NY, 1, k.NC, 1, 1, 1, 1, 1, 1, k.NT}
	if err := mat.WriteCFL(filepath.Join(dir, "ksp"), dims, us); err != nil {
		return nil, err
	}

	calib := "ksp"
	if k.NT > 1 {
		if _, err := b.run("avg", "1024", "ksp", "ksp_avg"); err != nil {
			return nil, err
		}
		calib = "ksp_avg"
	}
	if _, err := b.run("ecalib", "-m"+strconv.Itoa(b.maps), calib, "sens"); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *bart) run(args ...string) (time.Duration, error) {
	cmd := exec.Command(b.exe, args...)
	cmd.Dir = b.dir
	cmd.Env = append(os.Environ(), "OMP_NUM_THREADS="+strconv.Itoa(b.threads))
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("bart %s: %v: %s", strings.Join(args, " "), err,
			strings.TrimSpace(string(out)))
	}
	return time.Since(start), nil
}

// pics runs bart pics with an l1 wavelet (lw) and, for a time series, temporal total
// variation (lt) and returns the magnitude image and the time pics took.
func (b *bart) pics(lw, lt float64) (*recon.Image, time.Duration, error) {
	args := []string{"pics", "-S", "-i", strconv.Itoa(b.iters)}
	if lw > 0 {
		args = append(args, "-R", "W:3:0:"+fmtLambda(lw))
	}
	if lt > 0 && b.nt > 1 {
		args = append(args, "-R", "T:1024:0:"+fmtLambda(lt))
	}
	if lw == 0 && (lt == 0 || b.nt == 1) {
		args = append(args, "-l2", "-r", "0")
	}
	args = append(args, "ksp", "sens", "out")
	el, err := b.run(args...)
	if err != nil {
		return nil, 0, err
	}
	data, dims, err := mat.ReadCFL(filepath.Join(b.dir, "out"))
	if err != nil {
		return nil, 0, err
	}
	n := b.nx * b.ny
	if len(data) != n*b.nt*b.maps || dims[0] != b.nx || dims[1] != b.ny {
		return nil, 0, fmt.Errorf("bart pics: output dims %v", dims)
	}
	// The root sum of squares over the sets of maps (dim 4), as BART combines them.
	img := &recon.Image{NX: b.nx, NY: b.ny, NZ: 1, NT: b.nt, Data: make([]float32, n*b.nt)}
	for it := range b.nt {
		for i := range n {
			var s float64
			for im := range b.maps {
				v := data[i+n*(im+b.maps*it)]
				s += float64(real(v))*float64(real(v)) + float64(imag(v))*float64(imag(v))
			}
			img.Data[i+n*it] = float32(math.Sqrt(s))
		}
	}
	return img, el, nil
}

func fmtLambda(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
