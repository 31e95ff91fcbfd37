// Command sbom-scanner is a small SBOM generator for BuildKit's scanner
// protocol (moby/buildkit docs/attestations/sbom-protocol.md), made for the
// offline e2e environment, where BuildKit's default generator
// (docker/buildkit-syft-scanner, syft) cannot be pulled. hack/e2e-env
// pushes it as localhost:5000/test/sbom-scanner and, for the daemon's
// docker.io mirror, as docker/buildkit-syft-scanner:stable-1.
//
// For $BUILDKIT_SCAN_SOURCE and each directory of
// $BUILDKIT_SCAN_SOURCE_EXTRAS it writes
// $BUILDKIT_SCAN_DESTINATION/NAME.spdx.json: an in-toto statement whose
// predicate is an SPDX 2.3 document listing every regular file (path and
// SHA-256) and the packages found in the apk and dpkg databases, plus
// busybox when /bin/busybox is there. Output is deterministic: sorted, no
// clock.
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

const maxFiles = 20000

func main() {
	dest := os.Getenv("BUILDKIT_SCAN_DESTINATION")
	src := os.Getenv("BUILDKIT_SCAN_SOURCE")
	if dest == "" || src == "" {
		fmt.Fprintln(os.Stderr, "sbom-scanner: BUILDKIT_SCAN_DESTINATION and BUILDKIT_SCAN_SOURCE must be set (BuildKit's SBOM scanner protocol)")
		os.Exit(2)
	}
	roots := []string{src}
	if extras := os.Getenv("BUILDKIT_SCAN_SOURCE_EXTRAS"); extras != "" {
		if entries, err := os.ReadDir(extras); err == nil {
			for _, e := range entries {
				if e.IsDir() {
					roots = append(roots, filepath.Join(extras, e.Name()))
				}
			}
		}
	}
	for _, root := range roots {
		if err := scan(root, filepath.Join(dest, filepath.Base(root)+".spdx.json")); err != nil {
			fmt.Fprintf(os.Stderr, "sbom-scanner: %s: %v\n", root, err)
			os.Exit(1)
		}
	}
}

type checksum struct {
	Algorithm     string `json:"algorithm"`
	ChecksumValue string `json:"checksumValue"`
}

type file struct {
	FileName  string     `json:"fileName"`
	SPDXID    string     `json:"SPDXID"`
	Checksums []checksum `json:"checksums"`
}

type pkg struct {
	Name             string `json:"name"`
	SPDXID           string `json:"SPDXID"`
	VersionInfo      string `json:"versionInfo,omitempty"`
	DownloadLocation string `json:"downloadLocation"`
	FilesAnalyzed    bool   `json:"filesAnalyzed"`
	LicenseConcluded string `json:"licenseConcluded"`
	SourceInfo       string `json:"sourceInfo,omitempty"`
}

type relationship struct {
	Element string `json:"spdxElementId"`
	Type    string `json:"relationshipType"`
	Related string `json:"relatedSpdxElement"`
}

type document struct {
	SPDXVersion       string `json:"spdxVersion"`
	DataLicense       string `json:"dataLicense"`
	SPDXID            string `json:"SPDXID"`
	Name              string `json:"name"`
	DocumentNamespace string `json:"documentNamespace"`
	CreationInfo      struct {
		Created  string   `json:"created"`
		Creators []string `json:"creators"`
	} `json:"creationInfo"`
	Packages      []pkg          `json:"packages"`
	Files         []file         `json:"files"`
	Relationships []relationship `json:"relationships"`
}

func scan(root, out string) error {
	var files []file
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || len(files) >= maxFiles {
			return nil
		}
		sum, err := sha256File(p)
		if err != nil {
			return nil // unreadable files are skipped, not fatal
		}
		rel, _ := filepath.Rel(root, p)
		files = append(files, file{FileName: "/" + filepath.ToSlash(rel), Checksums: []checksum{{"SHA256", sum}}})
		return nil
	})
	if err != nil {
		return err
	}
	sort.Slice(files, func(i, j int) bool { return files[i].FileName < files[j].FileName })
	pkgs := packages(root)
	doc := document{SPDXVersion: "SPDX-2.3", DataLicense: "CC0-1.0", SPDXID: "SPDXRef-DOCUMENT", Name: "sbom-scanner " + filepath.Base(root)}
	h := sha256.New()
	for i := range files {
		files[i].SPDXID = fmt.Sprintf("SPDXRef-File-%d", i+1)
		fmt.Fprintf(h, "%s %s\n", files[i].FileName, files[i].Checksums[0].ChecksumValue)
	}
	doc.DocumentNamespace = "https://github.com/org/buildlang/hack/tools/sbom-scanner/" + hex.EncodeToString(h.Sum(nil))
	doc.CreationInfo.Created = "1970-01-01T00:00:00Z"
	doc.CreationInfo.Creators = []string{"Tool: buildlang-e2e-sbom-scanner"}
	for i := range pkgs {
		pkgs[i].SPDXID = fmt.Sprintf("SPDXRef-Package-%d", i+1)
		pkgs[i].DownloadLocation, pkgs[i].LicenseConcluded = "NOASSERTION", "NOASSERTION"
		doc.Relationships = append(doc.Relationships, relationship{"SPDXRef-DOCUMENT", "DESCRIBES", pkgs[i].SPDXID})
	}
	doc.Packages, doc.Files = pkgs, files
	if doc.Packages == nil {
		doc.Packages = []pkg{}
	}
	if doc.Relationships == nil {
		doc.Relationships = []relationship{}
	}
	stmt := map[string]any{
		"_type":         "https://in-toto.io/Statement/v0.1",
		"predicateType": "https://spdx.dev/Document",
		"subject":       []any{},
		"predicate":     doc,
	}
	dt, err := json.Marshal(stmt)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(out, dt, 0o644)
}

func sha256File(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// packages reads the apk and dpkg databases, and notes busybox.
func packages(root string) []pkg {
	var out []pkg
	out = append(out, stanzas(filepath.Join(root, "lib/apk/db/installed"), "P:", "V:", "apk")...)
	out = append(out, stanzas(filepath.Join(root, "var/lib/dpkg/status"), "Package: ", "Version: ", "dpkg")...)
	if fi, err := os.Stat(filepath.Join(root, "bin/busybox")); err == nil && fi.Mode().IsRegular() {
		out = append(out, pkg{Name: "busybox", SourceInfo: "found at /bin/busybox"})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// stanzas reads blank-line separated records with name and version lines.
func stanzas(path, namePrefix, versionPrefix, db string) []pkg {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []pkg
	var cur pkg
	flush := func() {
		if cur.Name != "" {
			cur.SourceInfo = "from the " + db + " database"
			out = append(out, cur)
		}
		cur = pkg{}
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.TrimSpace(line) == "":
			flush()
		case strings.HasPrefix(line, namePrefix):
			cur.Name = strings.TrimSpace(strings.TrimPrefix(line, namePrefix))
		case strings.HasPrefix(line, versionPrefix):
			cur.VersionInfo = strings.TrimSpace(strings.TrimPrefix(line, versionPrefix))
		}
	}
	flush()
	return out
}
