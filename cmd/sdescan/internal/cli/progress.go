package cli

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/sdescan/sdescan/collectors/aws"
)

// progress shows collection progress on stderr, never on stdout: live bars per
// account and region on a terminal, one plain line per finished account and region
// otherwise (CI logs), and every service with --verbose.
type progress struct {
	w     io.Writer
	bars  *mpb.Progress // nil when stderr is not a terminal
	mu    sync.Mutex
	state map[string]*regionProgress
}

type regionProgress struct {
	bar      *mpb.Bar
	done     int
	started  time.Time
	services int
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w, state: map[string]*regionProgress{}}
	// The bars draw with escape sequences of their own, so they write to the
	// terminal itself; every other line goes through w, which escapes them.
	raw := w
	if tw, ok := w.(*terminalWriter); ok {
		raw = tw.w
	}
	if f, ok := raw.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		p.bars = mpb.New(mpb.WithOutput(raw), mpb.WithWidth(30))
	}
	return p
}

// event is an aws.Options.Progress callback.
func (p *progress) event(e aws.ProgressEvent) {
	key := e.Account + " " + e.Region
	p.mu.Lock()
	defer p.mu.Unlock()
	st, ok := p.state[key]
	if !ok {
		st = &regionProgress{started: time.Now(), services: e.Services}
		if p.bars != nil {
			st.bar = p.bars.AddBar(int64(e.Services),
				mpb.PrependDecorators(decor.Name("aws "+key, decor.WCSyncSpaceR), decor.CountersNoUnit("%d/%d services")),
				mpb.AppendDecorators(decor.Elapsed(decor.ET_STYLE_GO)))
		}
		p.state[key] = st
	}
	if !e.Done {
		slog.Debug("collecting", "account", e.Account, "region", e.Region, "service", e.Service)
		return
	}
	st.done++
	slog.Debug("collected", "account", e.Account, "region", e.Region, "service", e.Service, "errors so far", e.Errors)
	if st.bar != nil {
		st.bar.Increment()
		return
	}
	if st.done == st.services {
		fmt.Fprintf(p.w, "sdescan: aws %s %s: %d services read in %s (%d collection errors in the account so far)\n",
			e.Account, e.Region, st.services, time.Since(st.started).Round(time.Millisecond), e.Errors)
	}
}

// wait lets the bars draw their final state.
func (p *progress) wait() {
	if p.bars != nil {
		p.bars.Wait()
	}
}
