package records

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// StateDir is the project-local state directory, next to the first build
// file.
const StateDir = ".buildlang"

// Default bounds of a store.
const (
	DefaultMaxBytes     = 32 << 20 // all records together
	DefaultMaxPerTarget = 20       // records per target and platform
)

// Store keeps records as JSON files in DIR/records, one per build of a
// target for a platform, named by time so that listing sorts them.
type Store struct {
	dir string
	// MaxBytes and MaxPerTarget bound what Save keeps; the oldest records
	// go first.
	MaxBytes     int64
	MaxPerTarget int
}

// Open returns the store in a state directory (it is created on Save).
func Open(stateDir string) *Store {
	return &Store{dir: stateDir, MaxBytes: DefaultMaxBytes, MaxPerTarget: DefaultMaxPerTarget}
}

// Dir is the state directory.
func (s *Store) Dir() string { return s.dir }

func (s *Store) recordsDir() string { return filepath.Join(s.dir, "records") }

// init creates the state directory, ignored by git.
func (s *Store) init() error {
	if err := os.MkdirAll(s.recordsDir(), 0o755); err != nil {
		return err
	}
	gi := filepath.Join(s.dir, ".gitignore")
	if _, err := os.Stat(gi); errors.Is(err, os.ErrNotExist) {
		return os.WriteFile(gi, []byte("# buildlang's build records and key (buildlang history)\n*\n"), 0o644)
	}
	return nil
}

// Key is the project's random key for hashing sensitive values; it is
// made on first use and readable only by its owner.
func (s *Store) Key() ([]byte, error) {
	p := filepath.Join(s.dir, "key")
	if dt, err := os.ReadFile(p); err == nil {
		if k, err := hex.DecodeString(strings.TrimSpace(string(dt))); err == nil && len(k) >= 16 {
			return k, nil
		}
	}
	if err := s.init(); err != nil {
		return nil, err
	}
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := os.WriteFile(p, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
		return nil, err
	}
	return k, nil
}

// Entry is a stored record's name and what it is of, without its steps.
type Entry struct {
	ID       string
	Target   string
	Platform string
	Size     int64
	path     string
}

// NewID makes a record id: its time, sortable, and a random suffix.
func NewID(t time.Time) string {
	b := make([]byte, 2)
	_, _ = rand.Read(b)
	return t.UTC().Format("20060102-150405.000") + "-" + hex.EncodeToString(b)
}

func fileName(r *Record) string {
	return r.ID + "_" + strings.ReplaceAll(url.PathEscape(r.Target), "_", "%5F") + "_" + strings.ReplaceAll(r.Platform, "/", "-") + ".json"
}

// Save writes a record and prunes the store to its bounds.
func (s *Store) Save(r *Record) error {
	if err := s.init(); err != nil {
		return err
	}
	r.Version = Version
	dt, err := json.Marshal(r)
	if err != nil {
		return err
	}
	p := filepath.Join(s.recordsDir(), fileName(r))
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, dt, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, p); err != nil {
		return err
	}
	_, err = s.Prune(s.MaxPerTarget, s.MaxBytes)
	return err
}

// List returns the stored records, oldest first.
func (s *Store) List() ([]Entry, error) {
	des, err := os.ReadDir(s.recordsDir())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var out []Entry
	for _, de := range des {
		name, ok := strings.CutSuffix(de.Name(), ".json")
		if !ok {
			continue
		}
		parts := strings.Split(name, "_")
		if len(parts) != 3 {
			continue
		}
		target, err := url.PathUnescape(parts[1])
		if err != nil {
			continue
		}
		info, err := de.Info()
		if err != nil {
			continue
		}
		out = append(out, Entry{ID: parts[0], Target: target, Platform: strings.ReplaceAll(parts[2], "-", "/"),
			Size: info.Size(), path: filepath.Join(s.recordsDir(), de.Name())})
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// Load reads a stored record.
func (s *Store) Load(e Entry) (*Record, error) {
	dt, err := os.ReadFile(e.path)
	if err != nil {
		return nil, err
	}
	var r Record
	if err := json.Unmarshal(dt, &r); err != nil {
		return nil, fmt.Errorf("record %s: %w", e.ID, err)
	}
	if r.Version != Version {
		return nil, fmt.Errorf("record %s has format version %d; this buildlang reads version %d (buildlang history prune --all removes old records)", e.ID, r.Version, Version)
	}
	return &r, nil
}

// Find returns the entries whose id starts with ref, or the one ref names
// by its place: "latest" is the newest entry, "latest~1" the one before.
func Find(entries []Entry, ref string) []Entry {
	if n, ok := strings.CutPrefix(ref, "latest"); ok {
		k := 0
		if n != "" {
			d, ok := strings.CutPrefix(n, "~")
			if !ok || d == "" || strings.Trim(d, "0123456789") != "" {
				return nil
			}
			fmt.Sscan(d, &k)
		}
		if k < len(entries) {
			return []Entry{entries[len(entries)-1-k]}
		}
		return nil
	}
	var out []Entry
	for _, e := range entries {
		if strings.HasPrefix(e.ID, ref) {
			out = append(out, e)
		}
	}
	return out
}

// LatestBuild returns the entries of the latest build: the records saved
// together, whose ids share their time.
func LatestBuild(entries []Entry) []Entry {
	if len(entries) == 0 {
		return nil
	}
	at := func(e Entry) string { return e.ID[:max(strings.LastIndexByte(e.ID, '-'), 0)] }
	last := at(entries[len(entries)-1])
	var out []Entry
	for _, e := range entries {
		if at(e) == last {
			out = append(out, e)
		}
	}
	return out
}

// Filter keeps the entries of a target (all when "") and platform (all
// when "").
func Filter(entries []Entry, target, platform string) []Entry {
	var out []Entry
	for _, e := range entries {
		if (target == "" || e.Target == target) && (platform == "" || e.Platform == platform) {
			out = append(out, e)
		}
	}
	return out
}

// Prune removes the oldest records beyond keep per target and platform
// (keep <= 0: no such bound), then beyond maxBytes in total (<= 0: no
// bound). It returns the removed entries.
func (s *Store) Prune(keep int, maxBytes int64) ([]Entry, error) {
	entries, err := s.List()
	if err != nil {
		return nil, err
	}
	var removed []Entry
	drop := map[string]bool{}
	if keep > 0 {
		count := map[string]int{}
		for i := len(entries) - 1; i >= 0; i-- {
			e := entries[i]
			k := e.Target + "\x00" + e.Platform
			count[k]++
			if count[k] > keep {
				drop[e.path] = true
			}
		}
	}
	var total int64
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if drop[e.path] {
			continue
		}
		total += e.Size
		if maxBytes > 0 && total > maxBytes {
			drop[e.path] = true
		}
	}
	for _, e := range entries {
		if !drop[e.path] {
			continue
		}
		if err := os.Remove(e.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return removed, err
		}
		removed = append(removed, e)
	}
	return removed, nil
}
