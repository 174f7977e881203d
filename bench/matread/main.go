// Command matread times cmrecon's reading of one variable of a MATLAB or HDF5 file, the same
// work bench/matread/h5py_read.py does with h5py, so that run.sh can compare them side by side.
//
// Usage:
//
//	go run ./bench/matread [-n 5] [-workers 0] [-var kspace] FILE
//
// It reads the variable n times as complex64 (real variables as float32) and prints one line
// per read: "cmrecon SECONDS CHECKSUM", where SECONDS covers open and decode and CHECKSUM is
// the sum of the squared magnitudes in float64, so the two readers can be checked to agree.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/cmrecon/cmrecon/mat"
)

func main() {
	n := flag.Int("n", 5, "number of reads")
	workers := flag.Int("workers", 0, "chunk-decoding goroutines (0: GOMAXPROCS)")
	name := flag.String("var", "", "variable to read (default: the first numeric one)")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the reads to this file")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr,
			"usage: matread [-n N] [-workers W] [-var NAME] [-cpuprofile OUT] FILE")
		os.Exit(2)
	}

	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "matread:", err)
			os.Exit(1)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "matread:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}

	if err := run(flag.Arg(0), *name, *n, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "matread:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(path, name string, n, workers int) error {
	opt := &mat.ReadOptions{Workers: workers}
	for range n {
		start := time.Now()
		c, r, err := readOnce(path, name, opt)
		if err != nil {
			return err
		}
		elapsed := time.Since(start)

		fmt.Printf("cmrecon %.4f %.6e\n", elapsed.Seconds(), checksum(c, r))
	}
	return nil
}

// readOnce opens the file and decodes the variable, as complex64 if it is complex and as
// float32 otherwise.
func readOnce(path, name string, opt *mat.ReadOptions) ([]complex64, []float32, error) {
	f, err := mat.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()

	complexVar := false
	for _, v := range f.Vars() {
		if v.Name == name || (name == "" && v.Class != "struct") {
			complexVar = v.Complex
			break
		}
	}

	if complexVar {
		data, _, err := f.ReadComplex64(name, opt)
		return data, nil, err
	}
	data, _, err := f.ReadFloat32(name, opt)
	return nil, data, err
}

// checksum returns the sum of the squared magnitudes of c and r in float64.
func checksum(c []complex64, r []float32) float64 {
	var sum float64
	for _, v := range c {
		re, im := float64(real(v)), float64(imag(v))
		sum += re*re + im*im
	}
	for _, v := range r {
		sum += float64(v) * float64(v)
	}
	return sum
}
