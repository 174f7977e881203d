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
// pass pass of batch item item. The units are split into one contiguous range per
// participant (see claimRange); joined numbers the participants as they arrive. refs counts
// the participants still inside the job: the caller and every offer sent to the helpers. The
// last one out signals free; the caller waits for that, so when it returns every unit is done
// and no helper still refers to the job, which goes back to the caller's pool.
type job[T Complex] struct {
	plan       *Plan[T]
	dst, src   []T
	f          Flags
	item, pass int
	ranges     []claimRange
	joined     atomic.Int32
	refs       atomic.Int32
	free       chan struct{}
}

// claimRange is a range of units lo..lo+n-1 that its owner claims from the front and the
// other participants, once their own ranges are done, from the back. Giving each
// participant neighbouring units, rather than every other unit of a shared counter, keeps
// the two cores away from each other's arrays: with a shared counter each core's hardware
// prefetchers ran on into the next array, which the other core was writing. Batch 10 of
// 256x256 on two threads went from 1.63x and 1.85x over one to 1.96x and 1.93x, batch 1 from
// 1.31x to 1.63x (256x256) and from 1.30x to 1.71x (512x216), in bench/fft 1.61x to 1.87x
// (bench/README.md, "Neighbouring units"). ends holds the units claimed from the front (low
// 32 bits) and from the back.
type claimRange struct {
	lo, n int
	ends  atomic.Uint64
}

// claim returns the next unit of r from the front, or with back from the back, and -1 when
// none is left.
func (r *claimRange) claim(back bool) int {
	for {
		e := r.ends.Load()
		f, k := int(uint32(e)), int(e>>32)
		if f+k >= r.n {
			return -1
		}
		next, u := e+1, r.lo+f
		if back {
			next, u = e+1<<32, r.lo+r.n-1-k
		}
		if r.ends.CompareAndSwap(e, next) {
			return u
		}
	}
}

// parallel runs units units of work on up to p.workers goroutines and returns when all are
// done.
//
// On batch 10 two workers are 1.8x to 2.0x faster than one at the challenge's sizes
// (bench/README.md, "Two threads on batch 10"), in windows where the machine's other guests
// leave the memory the two cores share alone.
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
	j.item, j.pass = item, pass
	if cap(j.ranges) < parts {
		j.ranges = make([]claimRange, parts)
	}
	j.ranges = j.ranges[:parts]
	for i := range j.ranges {
		r := &j.ranges[i]
		lo, hi := i*units/parts, (i+1)*units/parts
		r.lo, r.n = lo, hi-lo
		r.ends.Store(0)
	}
	j.joined.Store(0)
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

// run claims and computes units until none is left: those of its own range first, then
// those left in the others', from their backs.
func (j *job[T]) run() {
	var w *work[T]
	p := j.plan
	id := int(j.joined.Add(1) - 1)
	nr := len(j.ranges)
	for {
		u := -1
		for i := range nr {
			if u = j.ranges[(id+i)%nr].claim(i != 0); u >= 0 {
				break
			}
		}
		if u < 0 {
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
