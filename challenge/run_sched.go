package challenge

import (
	"context"
	"runtime/metrics"
	"sync"
	"time"
)

// scheduler hands the jobs of a run to its workers within the memory budget and reports
// progress.
type scheduler struct {
	opts    RunOptions
	rep     *RunReport
	threads int // goroutines per file
	jobs    int
	start   time.Time
	watch   *memWatch

	mu        sync.Mutex
	cond      *sync.Cond
	capacity  int64
	used      int64
	done      int   // files finished, skipped and failed ones included
	workBytes int64 // input bytes of the jobs
	doneBytes int64 // input bytes of the finished jobs
}

func newScheduler(opts RunOptions, rep *RunReport) *scheduler {
	s := &scheduler{opts: opts, rep: rep, jobs: rep.Jobs, capacity: rep.MaxMemory,
		threads: max(1, rep.Threads/rep.Jobs), start: time.Now()}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// run does the jobs and returns when every started job has ended.
func (s *scheduler) run(ctx context.Context, todo []job) {
	for _, f := range s.rep.Files {
		if f.Status != StatusNotRun {
			s.done++
			s.event(true, f)
		}
	}
	for _, j := range todo {
		s.workBytes += s.rep.Files[j.idx].size
	}
	if len(todo) == 0 {
		return
	}

	s.watch = startMemWatch()
	defer s.watch.stop()
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer stop()

	ch := make(chan job)
	var wg sync.WaitGroup
	for range min(s.jobs, len(todo)) {
		wg.Go(func() {
			for j := range ch {
				if ctx.Err() != nil {
					s.release(j.est)
					continue
				}
				s.do(j)
			}
		})
	}
send:
	for _, j := range todo {
		if !s.acquire(ctx, j.est) {
			break
		}
		select {
		case ch <- j:
		case <-ctx.Done():
			s.release(j.est)
			break send
		}
	}
	close(ch)
	wg.Wait()
}

// acquire reserves n bytes of the budget (at most all of it), waiting for running jobs to
// end. It returns false, reserving nothing, when ctx is cancelled first.
func (s *scheduler) acquire(ctx context.Context, n int64) bool {
	n = min(n, s.capacity)
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.used+n > s.capacity && ctx.Err() == nil {
		s.cond.Wait()
	}
	if ctx.Err() != nil {
		return false
	}
	s.used += n
	return true
}

func (s *scheduler) release(n int64) {
	s.mu.Lock()
	s.used -= min(n, s.capacity)
	s.cond.Broadcast()
	s.mu.Unlock()
}

// do reconstructs one job.
func (s *scheduler) do(j job) {
	defer s.release(j.est)
	rf := s.rep.Files[j.idx]
	s.event(false, rf)

	s.watch.begin(j.idx)
	reconstruct(s.opts, &rf, j.file, s.threads)
	rf.PeakHeapBytes = s.watch.end(j.idx)

	s.mu.Lock()
	s.rep.Files[j.idx] = rf
	s.done++
	s.doneBytes += rf.size
	s.mu.Unlock()
	s.event(true, rf)
}

// event sends a progress event, one at a time.
func (s *scheduler) event(finished bool, f RunFile) {
	if s.opts.Progress == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	elapsed := time.Since(s.start)
	ev := RunEvent{Finished: finished, File: f, Done: s.done, Total: len(s.rep.Files),
		Elapsed: elapsed}
	if s.doneBytes > 0 {
		left := float64(s.workBytes-s.doneBytes) / float64(s.doneBytes)
		ev.ETA = time.Duration(float64(elapsed) * left)
	}
	s.opts.Progress(ev)
}

// memWatch samples the Go heap while files are being reconstructed and keeps the peak seen
// during each.
type memWatch struct {
	mu     sync.Mutex
	peaks  map[int]uint64
	sample []metrics.Sample
	quit   chan struct{}
	wg     sync.WaitGroup
}

// heapMetric is the Go heap's live and not yet swept objects.
const heapMetric = "/memory/classes/heap/objects:bytes"

func startMemWatch() *memWatch {
	w := &memWatch{peaks: map[int]uint64{}, quit: make(chan struct{}),
		sample: []metrics.Sample{{Name: heapMetric}}}
	w.wg.Go(func() {
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-w.quit:
				return
			case <-t.C:
				w.mu.Lock()
				w.update()
				w.mu.Unlock()
			}
		}
	})
	return w
}

// update reads the heap size and raises the peaks of the active files; w.mu is held.
func (w *memWatch) update() {
	metrics.Read(w.sample)
	if w.sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	v := w.sample[0].Value.Uint64()
	for id, p := range w.peaks {
		w.peaks[id] = max(p, v)
	}
}

func (w *memWatch) begin(id int) {
	w.mu.Lock()
	w.peaks[id] = 0
	w.update()
	w.mu.Unlock()
}

func (w *memWatch) end(id int) uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.update()
	p := w.peaks[id]
	delete(w.peaks, id)
	return p
}

func (w *memWatch) stop() {
	close(w.quit)
	w.wg.Wait()
}
