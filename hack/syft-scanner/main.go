package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/anchore/syft/syft"
	"github.com/anchore/syft/syft/cataloging"
	"github.com/anchore/syft/syft/cataloging/filecataloging"
	"github.com/anchore/syft/syft/cataloging/pkgcataloging"
	"github.com/anchore/syft/syft/file"
	"github.com/anchore/syft/syft/format/spdxjson"
	"github.com/anchore/syft/syft/source"
	"github.com/anchore/syft/syft/source/directorysource"

	// The driver for RPM databases in SQLite (Fedora, RHEL 9 and later).
	_ "modernc.org/sqlite"
)

// The protocol's variables, and the parameters read from BUILDKIT_SCAN_*.
const (
	envDestination = "BUILDKIT_SCAN_DESTINATION"
	envSource      = "BUILDKIT_SCAN_SOURCE"
	envExtras      = "BUILDKIT_SCAN_SOURCE_EXTRAS"

	envSelectCatalogers = "BUILDKIT_SCAN_SELECT_CATALOGERS"
	envFileMetadata     = "BUILDKIT_SCAN_FILE_METADATA"
)

func main() {
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "syft-scanner:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	dest, roots, err := targets()
	if err != nil {
		return err
	}
	cfg, err := sbomConfig()
	if err != nil {
		return err
	}
	// syft writes temporary files; BuildKit mounts a tmpfs on /tmp, but a
	// scanner run by hand may lack one.
	if err := os.MkdirAll(os.TempDir(), 0o1777); err != nil {
		return err
	}
	for _, root := range roots {
		out := filepath.Join(dest, filepath.Base(root)+".spdx.json")
		if err := scan(ctx, cfg, root, out); err != nil {
			return fmt.Errorf("%s: %w", root, err)
		}
	}
	return nil
}

// targets reads the protocol's variables: the destination directory and
// the root filesystems to scan, the result's first.
func targets() (dest string, roots []string, err error) {
	dest, src := os.Getenv(envDestination), os.Getenv(envSource)
	if dest == "" || src == "" {
		return "", nil, fmt.Errorf("%s and %s must be set (BuildKit's SBOM scanner protocol)", envDestination, envSource)
	}
	for _, dir := range []string{dest, src} {
		if fi, err := os.Stat(dir); err != nil {
			return "", nil, err
		} else if !fi.IsDir() {
			return "", nil, fmt.Errorf("%s is not a directory", dir)
		}
	}
	roots = []string{src}
	// Unset, empty or missing: no extras, as the protocol says.
	if extras := os.Getenv(envExtras); extras != "" {
		entries, err := os.ReadDir(extras)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", nil, err
		}
		for _, e := range entries {
			if e.IsDir() {
				roots = append(roots, filepath.Join(extras, e.Name()))
			}
		}
	}
	return dest, roots, nil
}

// sbomConfig is docker/buildkit-syft-scanner's selection, with the
// generator's parameters applied.
func sbomConfig() (*syft.CreateSBOMConfig, error) {
	sel := cataloging.NewSelectionRequest().
		WithDefaults(pkgcataloging.ImageTag, filecataloging.FileTag).
		WithAdditions("sbom-cataloger")
	if v, ok := os.LookupEnv(envSelectCatalogers); ok {
		sel = cataloging.NewSelectionRequest().WithExpression(strings.Split(v, ",")...)
	}
	cfg := syft.DefaultCreateSBOMConfig().WithCatalogerSelection(sel)
	if v, ok := os.LookupEnv(envFileMetadata); ok {
		switch s := file.Selection(v); s {
		case file.NoFilesSelection:
			cfg = cfg.WithoutFiles()
		case file.FilesOwnedByPackageSelection, file.AllFilesSelection:
			cfg = cfg.WithFilesConfig(cfg.Files.WithSelection(s))
		default:
			return nil, fmt.Errorf("%s=%q: want %q, %q or %q", envFileMetadata, v,
				file.NoFilesSelection, file.FilesOwnedByPackageSelection, file.AllFilesSelection)
		}
	}
	return cfg, nil
}

// statement is the in-toto statement BuildKit reads from the destination;
// BuildKit sets the subjects.
type statement struct {
	Type          string          `json:"_type"`
	PredicateType string          `json:"predicateType"`
	Subject       []struct{}      `json:"subject"`
	Predicate     json.RawMessage `json:"predicate"`
}

// scan catalogs root as a root filesystem and writes the statement to out.
func scan(ctx context.Context, cfg *syft.CreateSBOMConfig, root, out string) error {
	src, err := directorysource.New(directorysource.Config{
		Path:  root,
		Base:  root,
		Alias: source.Alias{Name: filepath.Base(root)},
	})
	if err != nil {
		return err
	}
	defer src.Close()
	s, err := syft.CreateSBOM(ctx, src, cfg)
	if err != nil {
		return err
	}
	enc, err := spdxjson.NewFormatEncoderWithConfig(spdxjson.DefaultEncoderConfig())
	if err != nil {
		return err
	}
	var doc strings.Builder
	if err := enc.Encode(&doc, *s); err != nil {
		return err
	}
	dt, err := json.Marshal(statement{
		Type:          "https://in-toto.io/Statement/v0.1",
		PredicateType: "https://spdx.dev/Document",
		Subject:       []struct{}{},
		Predicate:     json.RawMessage(doc.String()),
	})
	if err != nil {
		return err
	}
	return os.WriteFile(out, dt, 0o644)
}
