package records

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// Version is the record format; records of other versions are skipped.
const Version = 1

// Record is one build of one target for one platform.
type Record struct {
	Version  int       `json:"version"`
	ID       string    `json:"id"`
	Time     time.Time `json:"time"`
	Target   string    `json:"target"`
	Platform string    `json:"platform"`
	// Ref is BuildKit's build reference, the key of the daemon's own build
	// history (buildctl debug histories, docker buildx history inspect).
	Ref string `json:"ref,omitempty"`
	// NoCache is true when the build ran with --no-cache.
	NoCache bool `json:"no_cache,omitempty"`
	// Error is the build's error, when it failed.
	Error string  `json:"error,omitempty"`
	Steps []*Step `json:"steps"`
	// Vars are the variables that reach some step, by name.
	Vars map[string]*Var `json:"vars,omitempty"`
	// Files are the context files some step reads, sorted by local and path.
	Files []File `json:"files,omitempty"`
	// Bases are the base images the build pulled, by reference as written.
	Bases map[string]*Base `json:"bases,omitempty"`
}

// Step is one compiled step (an LLB vertex the compiler named
// "[target platform i/n] ...").
type Step struct {
	Name string `json:"name"`
	// Position is the name's "[target platform i" part: where the step
	// stands in its target.
	Position string `json:"pos"`
	File     string `json:"file,omitempty"`
	Line     int    `json:"line,omitempty"`
	Digest   string `json:"digest"`
	// Key is the step's content key: its own op, its inputs' keys and the
	// checksums of the context files it reads. Equal keys mean BuildKit
	// can answer the step from its cache.
	Key string `json:"key"`
	// Self is the digest of the op alone, without its inputs.
	Self string `json:"self"`
	// Inputs are the indexes of the steps this one reads, directly or
	// through unnamed ops.
	Inputs []int `json:"inputs,omitempty"`
	// Status is StatusCached, StatusRan, StatusFailed, or "" when
	// BuildKit did not report the step (the build stopped before it, or
	// this is a prediction).
	Status      string   `json:"status,omitempty"`
	NoCache     bool     `json:"no_cache,omitempty"`
	CacheMounts []string `json:"cache_mounts,omitempty"`
	// Base is the image a FROM step pulls.
	Base *Base `json:"base,omitempty"`
	// Reads are the context files the step reads, by copy or bind mount.
	Reads []Read `json:"reads,omitempty"`
	// Vars are the variables that reach the step, sorted.
	Vars []string `json:"vars,omitempty"`
}

// Step statuses.
const (
	StatusCached = "cached"
	StatusRan    = "ran"
	StatusFailed = "failed"
)

// Kind is the step's kind as messages say it: "copy", "run", "base", ...
func (s *Step) Kind() string {
	_, rest, _ := strings.Cut(s.Name, "] ")
	word, _, _ := strings.Cut(rest, " ")
	switch word {
	case "FROM":
		return "base"
	case "":
		return "step"
	}
	return strings.ToLower(word)
}

// Index is the step's number within its target (FROM is 1).
func (s *Step) Index() int {
	i := strings.LastIndexByte(s.Position, ' ')
	n, _ := strconv.Atoi(s.Position[i+1:])
	return n
}

// At is the step's location, "build.hcl:18".
func (s *Step) At() string {
	if s.File == "" {
		return s.Position + "]"
	}
	return s.File + ":" + strconv.Itoa(s.Line)
}

// Read is what one copy source or bind mount reads from a local directory.
type Read struct {
	Local string `json:"local"`
	// Src is the path read within the local, as the op gives it.
	Src string `json:"src"`
	// Files are indexes into Record.Files; nil when the record keeps no
	// file list (more than MaxFiles files were read).
	Files []int `json:"files"`
	// Count is the number of files read; Sum a digest of their paths and
	// checksums.
	Count int    `json:"count"`
	Sum   string `json:"sum"`
	// Mount is true for a bind mount, false for a copy.
	Mount bool `json:"mount,omitempty"`
}

// MaxFiles bounds the context files a record lists; a build reading more
// keeps only each read's count and digest, so its record stays small.
const MaxFiles = 20000

// File is a context file some step reads.
type File struct {
	Local string `json:"local"`
	Path  string `json:"path"`
	// Sum is sha256 over the file's mode and content (a symlink's target).
	Sum string `json:"sum"`
}

// Var is a variable's value as it reached the build.
type Var struct {
	// Value is the value (strings as they are, others as JSON); empty for a
	// sensitive variable.
	Value string `json:"value,omitempty"`
	// Hash is HMAC-SHA256 of a sensitive variable's value with the
	// project's key; it tells a change without telling the value.
	Hash      string `json:"hash,omitempty"`
	Sensitive bool   `json:"sensitive,omitempty"`
	// Source says what set it: "--var", "the environment variable X",
	// "environment prod", "its default".
	Source string `json:"source"`
}

// Base is a base image reference and the digest it resolved to.
type Base struct {
	Ref    string `json:"ref"`
	Digest string `json:"digest"`
	// Config is the image config the compiler read (for why --plan, which
	// compiles without contacting a registry).
	Config []byte `json:"config,omitempty"`
}

// KeyedHash is the hash stored for a sensitive value.
func KeyedHash(key []byte, name, value string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(name + "\x00" + value))
	return "hmac-sha256:" + hex.EncodeToString(m.Sum(nil))
}

// Counts returns the number of steps, and of steps found in the cache.
func (r *Record) Counts() (steps, cached int) {
	for _, s := range r.Steps {
		steps++
		if s.Status == StatusCached {
			cached++
		}
	}
	return steps, cached
}

// StepAt returns the first step located at file:line, or nil.
func (r *Record) StepAt(file string, line int) *Step {
	for _, s := range r.Steps {
		if s.File == file && s.Line == line {
			return s
		}
	}
	return nil
}
