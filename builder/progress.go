package builder

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/moby/buildkit/client"
	gateway "github.com/moby/buildkit/frontend/gateway/client"
	"github.com/moby/buildkit/solver/pb"
	"github.com/moby/buildkit/util/progress/progressui"
	digest "github.com/opencontainers/go-digest"
	"github.com/org/buildlang/compiler"
	"github.com/org/buildlang/compiler/solve"
)

// progress shows the status of every target's solves in one display: each
// solve's status channel is forwarded into the display's.
type progress struct {
	ch       chan *client.SolveStatus
	wg       sync.WaitGroup
	done     chan struct{}
	warnings []client.VertexWarning
}

// displayMode maps --progress to BuildKit's modes: auto is plain in CI
// (CI=true or 1), else a tty display when stderr is a terminal.
func displayMode(mode string, getenv func(string) string) progressui.DisplayMode {
	if mode == "auto" || mode == "" {
		if ci, _ := strconv.ParseBool(getenv("CI")); ci {
			return progressui.PlainMode
		}
		return progressui.AutoMode
	}
	return progressui.DisplayMode(mode)
}

func newProgress(w io.Writer, mode string) (*progress, error) {
	d, err := progressui.NewDisplay(w, displayMode(mode, os.Getenv))
	if err != nil {
		return nil, err
	}
	p := &progress{ch: make(chan *client.SolveStatus), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		// The display runs until every solve has closed its channel, so the
		// final statuses of a canceled build are still shown.
		p.warnings, _ = d.UpdateFrom(context.Background(), p.ch)
	}()
	return p, nil
}

// attach returns a channel for one solve's statuses; statuses go to the
// display and to stats.
func (p *progress) attach(stats *stepStats) chan *client.SolveStatus {
	in := make(chan *client.SolveStatus)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for s := range in {
			stats.update(s)
			p.ch <- s
		}
	}()
	return in
}

// close waits for every attached channel to close, then for the display.
func (p *progress) close() {
	p.wg.Wait()
	close(p.ch)
	<-p.done
}

// stepStats counts a solve's steps (vertices named as the compiler named
// its steps, compiler.Output.Steps) and how many were cached.
type stepStats struct {
	mu       sync.Mutex
	steps    map[string]bool
	vertices map[digest.Digest]*client.Vertex
	// retries are the registry errors BuildKit retried by itself (its
	// resolver logs "error: ..." then "retrying in 1s" on the vertex).
	retries   []string
	lastError map[digest.Digest]string
}

func newStepStats(outputs []*compiler.Output) *stepStats {
	s := &stepStats{steps: map[string]bool{}}
	for _, o := range outputs {
		for _, name := range o.Steps {
			s.steps[name] = true
		}
	}
	return s
}

func (s *stepStats) update(ss *client.SolveStatus) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.vertices == nil {
		s.vertices = map[digest.Digest]*client.Vertex{}
	}
	for _, v := range ss.Vertexes {
		s.vertices[v.Digest] = v
	}
	for _, l := range ss.Logs {
		for _, line := range strings.Split(string(l.Data), "\n") {
			if msg, ok := strings.CutPrefix(line, "error: "); ok {
				if s.lastError == nil {
					s.lastError = map[digest.Digest]string{}
				}
				s.lastError[l.Vertex] = msg
			} else if strings.HasPrefix(line, "retrying in ") && s.lastError[l.Vertex] != "" {
				s.retries = append(s.retries, s.lastError[l.Vertex])
				delete(s.lastError, l.Vertex)
			}
		}
	}
}

// registryRetries returns the errors BuildKit retried by itself.
func (s *stepStats) registryRetries() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.retries...)
}

// counts returns the number of steps and of cached steps.
func (s *stepStats) counts() (total, cached int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, v := range s.vertices {
		if !s.steps[v.Name] {
			continue
		}
		total++
		if v.Cached {
			cached++
		}
	}
	return total, cached
}

// warn sends the compiler's warnings (a base image without the platform
// asked for, ...) to the build's progress, as a frontend does, so they are
// printed with BuildKit's own at the end.
func warn(ctx context.Context, gw gateway.Client, files map[string]*hcl.File, diags hcl.Diagnostics) {
	for _, d := range diags {
		if d.Severity != hcl.DiagWarning {
			continue
		}
		msg, opts := solve.Warning(d, func(filename string) *pb.SourceInfo {
			if f := files[filename]; f != nil {
				return &pb.SourceInfo{Filename: filename, Data: f.Bytes, Language: "buildlang"}
			}
			return nil
		})
		_ = gw.Warn(ctx, digest.FromString(msg), msg, opts) // a warning that cannot be shown is no reason to fail
	}
}

// printWarnings prints the build's warnings once each, with their detail.
func printWarnings(w io.Writer, warnings []client.VertexWarning) {
	seen := map[string]bool{}
	for _, vw := range warnings {
		short := string(vw.Short)
		if seen[short] {
			continue
		}
		seen[short] = true
		fmt.Fprintf(w, "WARNING: %s\n", short)
		for _, d := range vw.Detail {
			if len(d) > 0 {
				fmt.Fprintf(w, "         %s\n", d)
			}
		}
	}
}

// diagnosticWarnings are warning diagnostics as the progress display
// holds warnings.
func diagnosticWarnings(diags hcl.Diagnostics) []client.VertexWarning {
	var out []client.VertexWarning
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning {
			out = append(out, client.VertexWarning{Short: []byte(compiler.WarningLine(d)), Detail: [][]byte{[]byte(d.Detail)}})
		}
	}
	return out
}
