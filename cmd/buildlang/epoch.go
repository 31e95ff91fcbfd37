package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// sourceDateEpoch decides the build's SOURCE_DATE_EPOCH, strongest first:
// --source-date-epoch, $SOURCE_DATE_EPOCH (as buildx reads it), the
// selected environment's source_date_epoch. Each is unix seconds or "git",
// the committer time of HEAD in the build file's repository. Nil means
// none: images get no creation times and layers keep theirs.
func sourceDateEpoch(flag string, lookupEnv func(string) (string, bool), envAttr, dir string) (*time.Time, error) {
	v, from := flag, "--source-date-epoch"
	if v == "" {
		if s, ok := lookupEnv("SOURCE_DATE_EPOCH"); ok && s != "" {
			v, from = s, "$SOURCE_DATE_EPOCH"
		}
	}
	if v == "" {
		v, from = envAttr, "the environment's source_date_epoch"
	}
	switch v {
	case "":
		return nil, nil
	case "git":
		out, err := exec.Command("git", "-C", filepath.Clean(dir), "log", "-1", "--format=%ct").Output()
		if err != nil {
			return nil, fmt.Errorf("%s is \"git\", but the commit time of %s cannot be read: %v (is it a git checkout with a commit?)", from, dir, err)
		}
		v = strings.TrimSpace(string(out))
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("%s %q: want unix seconds, like 1700000000, or git", from, v)
	}
	t := time.Unix(n, 0).UTC()
	return &t, nil
}
