package fft

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// maxHelpers bounds the helper goroutines shared by all plans.
const maxHelpers = 256

// helpers is the package's pool of helper goroutines. Callers offer a job through ch without
// blocking (an offer that does not fit is not made, and the caller does that share itself). A
// helper that picks up an offer after the work is all claimed finds nothing left and lets go
// at once; the caller waits for that, which costs at most the unit a busy helper is finishing.
// busy counts the parallel calls in progress.
var helpers struct {
	mu   sync.Mutex
	n    int
	ch   chan helper
	busy atomic.Int32
}

func init() {
	helpers.ch = make(chan helper, maxHelpers)
}

// helper is a job that helper goroutines can join.
type helper interface {
	help()
}

// helperSpin is how long a helper that has finished a job keeps polling for the next one
// before it blocks, counted from the end of the last parallel call in progress (it polls
// throughout a call it has left, since the caller may still be finishing a unit as long as
// a whole 512x216 transform), and how long a caller polls for its helpers before it blocks.
// Starting a blocked goroutine on the other CPU, while the caller keeps its own busy, took 75
// to 100 µs at the median on this project's 2-core virtual machine and up to milliseconds
// after idle gaps (go run ./bench/sense/cores -kind wake), as long as a whole 256x256
// transform. Iterative solvers ask for the next transform within microseconds, so a short
// spin keeps the helper running between calls; while it spins it yields to any other
// goroutine. bench/README.md ("Waking a helper", "Keeping both sides polling") has the
// figures.
const helperSpin = 50 * time.Microsecond

// ensureHelpers starts helper goroutines until there are at least n (at most maxHelpers).
func ensureHelpers(n int) {
	helpers.mu.Lock()
	defer helpers.mu.Unlock()
	for ; helpers.n < min(n, maxHelpers); helpers.n++ {
		go func() {
			for {
				h, ok := pollHelpers(helperSpin)
				if !ok {
					h = <-helpers.ch
				}
				h.help()
			}
		}()
	}
}

// pollHelpers receives an offer if one arrives while a parallel call is in progress or
// within d after, yielding between tries.
func pollHelpers(d time.Duration) (helper, bool) {
	var deadline time.Time
	for {
		select {
		case h := <-helpers.ch:
			return h, true
		default:
		}
		now := time.Now()
		if deadline.IsZero() || helpers.busy.Load() > 0 {
			deadline = now.Add(d)
		}
		if !now.Before(deadline) {
			return nil, false
		}
		runtime.Gosched()
	}
}

// job is one parallel loop over units: whole batch items when pass < 0, or lane blocks of
// pass pass of batch item item. Participants claim units with next until none is left. refs
// counts the participants still inside the job: the caller and every offer sent to the
// helpers. The last one out signals free; the caller waits for that, so when it returns
// every unit is done and no helper still refers to the job, which goes back to the caller's
// pool.
type job[T Complex] struct {
	plan       *Plan[T]
	dst, src   []T
	f          Flags
	item, pass int
	units      int
	next       atomic.Int64
	refs       atomic.Int32
	free       chan struct{}
}

// parallel runs units units of work on up to p.workers goroutines and returns when all are
// done.
//
// TODO: on batch 10 of 256x256, the smallest challenge size, two workers are 1.51x to 1.73x
// faster than one over the runs of bench/README.md ("Two threads on batch 10"), mostly short
// of 1.7x, where the other five sizes reach 1.75x to 1.97x in a quiet window; the two then
// take 1.03x to 1.17x the CPU time of one. Two threads level off at 22 to 24 GB/s of reads and
// writes at the fastest sizes, and 256x256 would need 29 for 2x: the limit is likely the
// bandwidth the two cores share, which only moving less data per transform would get past.
func (p *Plan[T]) parallel(dst, src []T, f Flags, item, pass, units int) {
	parts := min(p.workers, units)
	helpers.busy.Add(1)
	defer helpers.busy.Add(-1)
	var j *job[T]
	select {
	case j = <-p.shared.jobs:
	default:
		j = &job[T]{free: make(chan struct{}, 1)}
	}
	j.plan, j.dst, j.src, j.f = p, dst, src, f
	j.item, j.pass, j.units = item, pass, units
	j.next.Store(0)
	j.refs.Store(int32(parts))

	ensureHelpers(parts - 1)
	sent := 0
offer:
	for range parts - 1 {
		select {
		case helpers.ch <- j:
			sent++
		default:
			break offer
		}
	}
	if sent < parts-1 {
		j.refs.Add(int32(sent - (parts - 1)))
	}

	j.run()
	if j.refs.Add(-1) != 0 {
		j.await()
	}
	j.plan, j.dst, j.src = nil, nil, nil
	select {
	case p.shared.jobs <- j:
	default:
	}
}

// await returns once the last helper out has signalled free, polling for the signal for up
// to helperSpin before it blocks. A blocked caller is made ready by the helper's send and Go's
// scheduler then runs it next on the helper's CPU, which moves the helper to the run queue
// of the other: in an instrumented build, the helper then started on the next batch-10 call
// 16 µs late at the median and 26 to 122 µs at the 90th percentile, against 0.3 µs and 0.7
// to 20 µs with this polling and the helpers' (bench/README.md, "Keeping both sides
// polling").
func (j *job[T]) await() {
	deadline := time.Now().Add(helperSpin)
	for len(j.free) == 0 && time.Now().Before(deadline) {
		runtime.Gosched()
	}
	<-j.free
}

func (j *job[T]) help() {
	j.run()
	if j.refs.Add(-1) == 0 {
		j.free <- struct{}{}
	}
}

// run claims and computes units until none is left.
func (j *job[T]) run() {
	var w *work[T]
	p := j.plan
	for {
		u := int(j.next.Add(1) - 1)
		if u >= j.units {
			break
		}
		if w == nil {
			w = p.getWork()
		}
		if j.pass < 0 {
			for pi := range p.passes {
				for b := range p.passes[pi].units {
					p.unit(w, j.dst, j.src, j.f, u, pi, b)
				}
			}
		} else {
			p.unit(w, j.dst, j.src, j.f, j.item, j.pass, u)
		}
	}
	if w != nil {
		p.putWork(w)
	}
}
