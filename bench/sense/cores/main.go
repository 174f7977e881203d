// Command cores measures how much of N cores the machine offers this process right now: it
// runs the same work on 1 and on N goroutines, interleaved, and prints the throughput of N
// goroutines over one. On an idle machine with N independent cores it is close to N; on a
// machine whose cores are busy with other work it is what any parallel code can hope for, so
// it is the control for the thread speed-ups of bench/sense and bench/fft.
//
// The kind of work says which shared resource is probed:
//
//   - chain: a dependent chain of multiply-adds, one at a time (latency-bound, no memory
//     traffic). Scales with the number of hardware threads even when two virtual CPUs are
//     hyper-threads of one physical core, because one chain leaves most of a core idle.
//   - vector: the AVX-512/AVX2/NEON complex axpy kernel of asm on two 8 KiB buffers that stay in
//     L1 (throughput-bound on the vector units and the load/store ports). Two virtual CPUs
//     that share one physical core split these units and scale well below 2x.
//   - l2: the same kernel over 384 KiB (two buffers) per goroutine: fits a private 1 MiB L2 with
//     room to spare, two of them strain a shared one.
//   - l3: the same kernel over 2 MiB per goroutine: more than an L2, well inside the L3 that
//     the cores share.
//   - memory: the same kernel over 64 MiB per goroutine (bandwidth-bound beyond the caches).
//   - wake: not a throughput but a latency: how long a goroutine blocked on a channel takes
//     to start on another CPU after a send from a goroutine that keeps running, after idle
//     gaps of 0, 20 µs, 200 µs and 2 ms (percentiles of 1000 hand-offs each). It is what a
//     parallel transform pays when its helpers have gone to sleep.
//
// Usage:
//
//	go run ./bench/sense/cores [-n 2] [-rounds 5] [-kind chain,vector,l2,l3,memory,wake]
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cmrecon/cmrecon/asm"
)

// spin runs a dependent chain of n multiply-adds and returns its result, so that the
// compiler can neither drop nor vectorise it.
func spin(n int, seed float64) float64 {
	x := seed
	for range n {
		x = x*1.0000001 + 1e-9
	}
	return x
}

// kind is one probe: its work for one goroutine, repeated the same number of times on 1 and
// on N goroutines.
type kind struct {
	name    string
	run     func(g int) float64 // one goroutine's share of a round; g numbers the goroutine
	latency func()              // instead of run: a probe that measures and prints itself
}

// axpyKind streams asm.Axpy over two buffers of elems complex64 per goroutine until total
// elements have been updated.
func axpyKind(name string, elems, total, n int) kind {
	bufs := make([][2][]complex64, n)
	for i := range bufs {
		bufs[i] = [2][]complex64{make([]complex64, elems), make([]complex64, elems)}
		for j := range bufs[i][0] {
			bufs[i][0][j] = complex(float32(j%7), 1)
		}
	}
	return kind{name: name, run: func(g int) float64 {
		x, y := bufs[g][0], bufs[g][1]
		for range total / elems {
			asm.Axpy(1e-7, x, y)
		}
		return float64(real(y[0]))
	}}
}

func main() {
	n := flag.Int("n", runtime.GOMAXPROCS(0), "goroutines")
	rounds := flag.Int("rounds", 5, "interleaved rounds")
	kinds := flag.String("kind", "chain", "comma-separated probes: chain, vector, l2, l3, "+
		"memory, wake")
	flag.Parse()

	if *n < 1 || *rounds < 1 {
		fmt.Fprintln(os.Stderr, "cores: -n and -rounds must be positive")
		os.Exit(2)
	}
	var probes []kind
	for name := range strings.SplitSeq(*kinds, ",") {
		switch name {
		case "chain":
			probes = append(probes, kind{name: name, run: func(g int) float64 {
				return spin(200_000_000, float64(g))
			}})
		case "vector":
			probes = append(probes, axpyKind(name, 1<<10, 1<<32, *n))
		case "l2":
			probes = append(probes, axpyKind(name, 24<<10, 1<<31, *n))
		case "l3":
			probes = append(probes, axpyKind(name, 128<<10, 1<<30, *n))
		case "memory":
			probes = append(probes, axpyKind(name, 4<<20, 1<<28, *n))
		case "wake":
			probes = append(probes, kind{name: name, latency: wake})
		default:
			fmt.Fprintf(os.Stderr, "cores: -kind %q: want chain, vector, l2, l3, memory or "+
				"wake\n", name)
			os.Exit(2)
		}
	}

	var sink float64
	throughput := 0
	for _, p := range probes {
		if p.latency != nil {
			p.latency()
			continue
		}
		throughput++
		var one, many []float64
		for range *rounds {
			for pass, g := range []int{1, *n} {
				start := time.Now()
				var wg sync.WaitGroup
				var mu sync.Mutex
				for i := range g {
					wg.Go(func() {
						v := p.run(i)
						mu.Lock()
						sink += v
						mu.Unlock()
					})
				}
				wg.Wait()
				t := time.Since(start).Seconds() / float64(g)
				if pass == 0 {
					one = append(one, t)
				} else {
					many = append(many, t)
				}
			}
		}
		slices.Sort(one)
		slices.Sort(many)
		m1, mn := one[len(one)/2], many[len(many)/2]
		fmt.Printf("%-6s time per unit of work: 1 goroutine %.3f s, %d goroutines %.3f s: "+
			"%d goroutines deliver %.2fx one's throughput (median of %d rounds)\n",
			p.name, m1, *n, mn, *n, m1/mn, *rounds)
	}
	if throughput > 0 && sink == 0 {
		os.Exit(1)
	}
}

// wake prints the latency of handing a value to a blocked goroutine while the sender keeps
// its CPU busy, so that the receiver has to start on another one.
func wake() {
	ch := make(chan time.Time, 1)
	var started atomic.Int64
	go func() {
		for t := range ch {
			started.Store(int64(time.Since(t)) + 1)
		}
	}()
	for _, idle := range []time.Duration{0, 20 * time.Microsecond, 200 * time.Microsecond,
		2 * time.Millisecond} {
		var d []time.Duration
		for range 1000 {
			if idle > 0 {
				time.Sleep(idle)
			}
			started.Store(0)
			ch <- time.Now()
			for started.Load() == 0 {
			}
			d = append(d, time.Duration(started.Load()-1))
		}
		slices.Sort(d)
		fmt.Printf("wake   after %v idle: p10 %v, p50 %v, p90 %v, p99 %v\n", idle, d[100], d[500],
			d[900], d[990])
	}
}
