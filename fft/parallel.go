package fft

import (
	"sync"
	"sync/atomic"
)

// maxHelpers bounds the helper goroutines shared by all plans.
const maxHelpers = 256

// helpers is the package's pool of helper goroutines. Callers offer a job through ch without
// blocking (an offer that does not fit is not made, and the caller does that share itself). A
// helper that picks up an offer after the work is all claimed finds nothing left and lets go
// at once; the caller waits for that, which costs at most the unit a busy helper is finishing.
var helpers struct {
	mu sync.Mutex
	n  int
	ch chan helper
}

func init() {
	helpers.ch = make(chan helper, maxHelpers)
}

// helper is a job that helper goroutines can join.
type helper interface {
	help()
}

// ensureHelpers starts helper goroutines until there are at least n (at most maxHelpers).
func ensureHelpers(n int) {
	helpers.mu.Lock()
	defer helpers.mu.Unlock()
	for ; helpers.n < min(n, maxHelpers); helpers.n++ {
		go func() {
			for h := range helpers.ch {
				h.help()
			}
		}()
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
// TODO: on batch 10 of 256x256, two workers are only 1.5x to 1.56x faster than one (1.56x to
// 1.83x at 448x162 and 448x204, 1.76x to 1.93x at the larger challenge sizes;
// bench/README.md), short of 1.7x; each worker then takes 1.12x to 1.21x the CPU time. The
// two cores have their own L2 and scale 1.86x on 2 MiB each from the shared L3 but not at
// all on DRAM bandwidth (go run ./bench/sense/cores -kind l3,memory), so the loss is in the
// traffic between the batch and the caches, which no change of the split has reduced yet.
func (p *Plan[T]) parallel(dst, src []T, f Flags, item, pass, units int) {
	parts := min(p.workers, units)
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
		<-j.free
	}
	j.plan, j.dst, j.src = nil, nil, nil
	select {
	case p.shared.jobs <- j:
	default:
	}
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
