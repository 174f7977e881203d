package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cmrecon/cmrecon/challenge"
)

// progress shows how a run goes on standard error, in one of two ways. As a bar, one line
// redrawn in place every second and at every file: files done of total, the percentage, the
// elapsed time, the ETA and the file being reconstructed; log records are written above it.
// As a log, one line per finished file with the same figures (for logs that are files, as
// under Slurm, Kubernetes or docker logs).
type progress struct {
	mu     sync.Mutex
	e      *env // the command's env
	logEnv *env // the env to log through: e, or e writing above the bar
	bar    bool
	width  int
	shown  bool     // the bar is on screen
	active []string // files being reconstructed, in the order they started
	last   challenge.RunEvent
	at     time.Time // when last arrived
	start  time.Time
	quit   chan struct{}
	wg     sync.WaitGroup
	closed bool
}

// newProgress returns the progress display for mode "bar", "log" or "auto" (a bar when
// standard error is a terminal).
func newProgress(e *env, mode string) (*progress, error) {
	width, tty := terminalSize(e.stderr)
	p := &progress{e: e, width: barWidth(width), start: time.Now(),
		quit: make(chan struct{})}
	switch mode {
	case "bar":
		p.bar = true
	case "log":
	case "auto", "":
		p.bar = tty
	default:
		return nil, fmt.Errorf("%q: want auto, bar or log", mode)
	}
	p.logEnv = p.e
	if p.bar {
		le := *e
		le.stderr = barWriter{p}
		le.log = slog.New(slog.NewTextHandler(le.stderr, &slog.HandlerOptions{
			Level: logLevel()}))
		p.logEnv = &le
		p.wg.Go(p.tick)
	}
	return p, nil
}

// barWidth returns the columns the bar may take on a terminal of the given width (0:
// unknown): $COLUMNS if set, else the terminal's, else 80; less one, so that the line never
// wraps.
func barWidth(terminal int) int {
	w := 80
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n >= 40 {
		w = n
	} else if terminal >= 40 {
		w = terminal
	}
	return w - 1
}

// env returns the command's env, with a logger whose records do not break the bar.
func (p *progress) env() *env { return p.logEnv }

// barWriter writes above the bar: it clears the bar's line, writes, and redraws the bar.
type barWriter struct{ p *progress }

func (w barWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	w.p.clear()
	n, err := w.p.e.stderr.Write(b)
	if !w.p.closed {
		w.p.draw()
	}
	return n, err
}

// event takes a run event; out is the run's output folder, to shorten file names.
func (p *progress) event(out string, ev challenge.RunEvent) {
	name, err := filepath.Rel(out, ev.File.Output)
	if err != nil {
		name = ev.File.Output
	}

	p.mu.Lock()
	if ev.Finished {
		if i := slices.Index(p.active, name); i >= 0 {
			p.active = slices.Delete(p.active, i, i+1)
		}
		p.last, p.at = ev, time.Now()
	} else {
		p.active = append(p.active, name)
		p.last.Total = ev.Total
	}
	if p.bar {
		p.draw()
	}
	p.mu.Unlock()

	log := p.env().log
	switch {
	case ev.Finished && ev.File.Status == challenge.StatusFailed:
		log.Error("file failed", "done", fmt.Sprintf("%d/%d", ev.Done, ev.Total), "file",
			name, "error", ev.File.Error)
	case p.bar:
	case !ev.Finished:
		log.Debug("start", "file", name)
	default:
		log.Info("file", "done", fmt.Sprintf("%d/%d", ev.Done, ev.Total), "status",
			ev.File.Status, "file", name, "seconds", fmt.Sprintf("%.2f", ev.File.Seconds),
			"elapsed", ev.Elapsed.Round(time.Second), "eta", ev.ETA.Round(time.Second))
	}
}

// tick redraws the bar every second, so that the elapsed time and the ETA move.
func (p *progress) tick() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-p.quit:
			return
		case <-t.C:
			p.mu.Lock()
			p.draw()
			p.mu.Unlock()
		}
	}
}

// draw writes the bar over the current line; p.mu is held.
func (p *progress) draw() {
	if p.closed || p.last.Total == 0 {
		return
	}
	now := time.Now()
	eta := time.Duration(-1)
	if p.last.ETA > 0 || p.last.Done == p.last.Total {
		eta = max(0, p.last.ETA-now.Sub(p.at))
	}
	current := ""
	if n := len(p.active); n > 0 {
		f := p.active[n-1]
		current = filepath.Join(filepath.Base(filepath.Dir(f)), filepath.Base(f))
		if n > 1 {
			current += fmt.Sprintf(" (+%d)", n-1)
		}
	}
	line := barLine(p.last.Done, p.last.Total, now.Sub(p.start), eta, current, p.width)
	fmt.Fprint(p.e.stderr, "\r"+line+"\x1b[K")
	p.shown = true
}

// clear removes the bar from its line; p.mu is held.
func (p *progress) clear() {
	if p.shown {
		fmt.Fprint(p.e.stderr, "\r\x1b[K")
		p.shown = false
	}
}

// close stops the bar and leaves its last state on its own line. It may be called more than
// once.
func (p *progress) close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	if p.bar {
		p.draw()
		if p.shown {
			fmt.Fprintln(p.e.stderr)
			p.shown = false
		}
	}
	p.closed = true
	close(p.quit)
	p.mu.Unlock()
	p.wg.Wait()
}

// barLine formats the bar, "[=====>     ] 3/8 files 37%, 0:42 elapsed, ETA 1:10, P001/name",
// in at most width columns. A negative eta is unknown ("--:--").
func barLine(done, total int, elapsed, eta time.Duration, current string, width int) string {
	const cells = 16
	frac := float64(done) / float64(max(total, 1))
	full := int(frac * cells)
	bar := strings.Repeat("=", full)
	if full < cells {
		bar += ">" + strings.Repeat(" ", cells-full-1)
	}
	etaText := "--:--"
	if eta >= 0 {
		etaText = clock(eta)
	}
	line := fmt.Sprintf("[%s] %d/%d files %3.0f%%, %s elapsed, ETA %s", bar, done, total,
		100*frac, clock(elapsed), etaText)
	if current != "" {
		line += ", " + current
	}
	if r := []rune(line); len(r) > width {
		line = string(r[:max(width, 0)])
	}
	return line
}

// clock formats a duration as m:ss or h:mm:ss.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
