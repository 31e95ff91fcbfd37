package lsp

import (
	"encoding/json"
	"fmt"

	"github.com/org/buildlang/lsp/internal/protocol"
)

// settings are the client's settings the server reads, as VS Code sends
// them ({"buildlang": {"env": ..., "vars": {...}}}) or bare ({"env": ...}).
// A setting left out keeps its value.
type settings struct {
	Env  *string            `json:"env"`
	Vars *map[string]string `json:"vars"`
}

// didChangeConfiguration applies new settings: every snapshot from now on
// loads its builds with the new environment and variables, and
// diagnostics are published again at once.
func didChangeConfiguration(s *Server, raw json.RawMessage) {
	var p protocol.DidChangeConfigurationParams
	if err := json.Unmarshal(raw, &p); err != nil {
		s.logf("didChangeConfiguration: %v", err)
		return
	}
	set, err := parseSettings(p.Settings)
	if err != nil {
		s.logf("didChangeConfiguration: %v", err)
		return
	}
	if set.Env == nil && set.Vars == nil {
		return
	}
	s.change(func() {
		if set.Env != nil {
			s.cfg.opts.Env = *set.Env
		}
		if set.Vars != nil {
			s.cfg.opts.Vars = *set.Vars
		}
	})
}

func parseSettings(raw json.RawMessage) (settings, error) {
	var set settings
	if len(raw) == 0 || string(raw) == "null" {
		return set, nil
	}
	var wrapped struct {
		Buildlang *json.RawMessage `json:"buildlang"`
	}
	if err := json.Unmarshal(raw, &wrapped); err != nil {
		return set, fmt.Errorf("settings must be an object: %v", err)
	}
	if wrapped.Buildlang != nil {
		raw = *wrapped.Buildlang
	}
	if err := json.Unmarshal(raw, &set); err != nil {
		return set, fmt.Errorf("buildlang settings: %v", err)
	}
	return set, nil
}
