// Command cores measures how many cores the machine offers this process right now: it runs
// the same pure arithmetic loop (no memory traffic) on 1 and on N goroutines, interleaved,
// and prints the speed-up of N goroutines over one. On an idle machine with N cores it is
// close to N; on a machine whose cores are busy with other work it is what any parallel
// code can hope for, so it is the control for the thread speed-ups of bench/sense.
//
// Usage:
//
//	go run ./bench/sense/cores [-n 2] [-rounds 5]
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync"
	"time"
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

func main() {
	n := flag.Int("n", runtime.GOMAXPROCS(0), "goroutines")
	rounds := flag.Int("rounds", 5, "interleaved rounds")
	flag.Parse()

	const work = 200_000_000
	var sink float64
	var one, many []float64
	if *n < 1 || *rounds < 1 {
		fmt.Fprintln(os.Stderr, "cores: -n and -rounds must be positive")
		os.Exit(2)
	}
	for range *rounds {
		for pass, g := range []int{1, *n} {
			start := time.Now()
			var wg sync.WaitGroup
			var mu sync.Mutex
			for i := range g {
				wg.Add(1)
				go func() {
					defer wg.Done()
					v := spin(work, float64(i))
					mu.Lock()
					sink += v
					mu.Unlock()
				}()
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
	fmt.Printf("time per unit of work: 1 goroutine %.3f s, %d goroutines %.3f s: %d goroutines "+
		"deliver %.2fx one's throughput (median of %d rounds)\n", m1, *n, mn, *n, m1/mn,
		*rounds)
	if sink == 0 {
		os.Exit(1)
	}
}
