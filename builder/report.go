package builder

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/moby/buildkit/exporter/containerimage/exptypes"
)

// PrintSummary writes one block per target: name, status, platforms,
// time and steps, then its digest, where it went and any retried pushes.
func (r *Report) PrintSummary(w io.Writer) {
	width := 0
	for _, t := range r.Targets {
		width = max(width, len(t.Target.Name))
	}
	pad := strings.Repeat(" ", width+2)
	for _, t := range r.Targets {
		tp := t.Target
		status := "built"
		switch {
		case t.Canceled:
			status = "canceled"
		case t.Err != nil:
			status = "FAILED"
		}
		fmt.Fprintf(w, "%-*s  %-8s %s in %s, %d steps (%d cached)\n", width, tp.Name, status,
			formatPlatforms(tp.Platforms), t.Duration.Round(10*time.Millisecond), t.Steps, t.Cached)
		if t.Err != nil {
			if !t.Canceled {
				fmt.Fprintf(w, "%serror   %s\n", pad, firstLine(t.Err.Error()))
			}
			continue
		}
		if t.Digest != "" {
			fmt.Fprintf(w, "%sdigest  %s\n", pad, t.Digest)
		}
		for _, o := range tp.Outputs {
			switch {
			case o.Push() && o.Attrs["push-by-digest"] == "true":
				fmt.Fprintf(w, "%spushed  by digest, a part of %s\n", pad, strings.ReplaceAll(o.Attrs["name"], ",", ", "))
			case o.Push():
				fmt.Fprintf(w, "%spushed  %s\n", pad, strings.ReplaceAll(o.Attrs["name"], ",", ", "))
			case o.Type == OutputImage:
				fmt.Fprintf(w, "%simage   %s (not pushed; --push pushes it)\n", pad, strings.ReplaceAll(o.Attrs["name"], ",", ", "))
			default:
				fmt.Fprintf(w, "%soutput  %s\n", pad, o)
			}
		}
		if n := len(t.RegistryRetries); n > 0 {
			fmt.Fprintf(w, "%sretried %d registry request(s) (in BuildKit) after: %s\n", pad, n, strings.Join(t.RegistryRetries, "; "))
		}
		if n := len(t.Retries); n > 0 {
			fmt.Fprintf(w, "%sretried the push %d time(s) after: %s\n", pad, n, strings.Join(t.Retries, "; "))
		}
		for _, n := range tp.Notes {
			fmt.Fprintf(w, "%snote    %s\n", pad, n)
		}
	}
}

// WriteMetadata writes what `docker buildx build --metadata-file` writes,
// per target: the exporters' response (containerimage.digest, image.name,
// containerimage.descriptor as JSON, ...) and buildlang.build.ref,
// buildlang.build.platforms, buildlang.build.node (in a multi-node build;
// the nodes of a split target, whose containerimage.digest is its merged
// index) and, for a failed target, buildlang.build.error.
// Secret values are never part of it.
func (r *Report) WriteMetadata(path string) error {
	out := map[string]map[string]any{}
	for _, t := range r.Targets {
		m := map[string]any{}
		for k, v := range t.Response {
			if k == exptypes.ExporterImageConfigKey {
				continue // the whole image config: large, and in the image anyway
			}
			m[k] = decodeResponseValue(v)
		}
		m["buildlang.build.ref"] = t.Ref
		m["buildlang.build.platforms"] = formatPlatforms(t.Target.Platforms)
		if t.Node != "" {
			m["buildlang.build.node"] = t.Node
		}
		if t.Err != nil {
			m["buildlang.build.error"] = firstLine(t.Err.Error())
		}
		if prev, ok := out[t.Target.Name]; ok && t.Target.Part {
			// Another part of a multi-node image: one entry, every node.
			prev["buildlang.build.node"] = fmt.Sprint(prev["buildlang.build.node"], ",", t.Node)
			prev["buildlang.build.platforms"] = fmt.Sprint(prev["buildlang.build.platforms"], ",", m["buildlang.build.platforms"])
			if e, ok := m["buildlang.build.error"]; ok {
				prev["buildlang.build.error"] = e
			}
			continue
		}
		if t.Index != "" {
			m[exptypes.ExporterImageDigestKey] = t.Index
			delete(m, exptypes.ExporterImageDescriptorKey)
		}
		out[t.Target.Name] = m
	}
	dt, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	return os.WriteFile(path, append(dt, '\n'), 0o644)
}

// decodeResponseValue turns base64-encoded JSON values (like
// containerimage.descriptor) into JSON, as buildx does.
func decodeResponseValue(v string) any {
	if dt, err := base64.StdEncoding.DecodeString(v); err == nil && len(dt) > 0 && (dt[0] == '{' || dt[0] == '[') {
		var j any
		if json.Unmarshal(dt, &j) == nil {
			return j
		}
	}
	return v
}
