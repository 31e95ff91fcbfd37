package main

import (
	"fmt"
	"strings"

	"github.com/containerd/platforms"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/org/buildlang/stdlib"
	"github.com/spf13/cobra"
)

// This file holds the flags several commands share, so each is parsed one
// way everywhere: --platform and --target.

// parsePlatforms parses --platform values (each may be a comma-separated
// list) with the language's parser, which knows the architectures and
// suggests a fix, and normalizes them.
func parsePlatforms(values []string) ([]ocispecs.Platform, error) {
	var out []ocispecs.Platform
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			p, err := stdlib.ParsePlatform(s)
			if err != nil {
				return nil, fmt.Errorf("--platform %q: %w", s, err)
			}
			out = append(out, platforms.Normalize(p))
		}
	}
	return out, nil
}

// parsePlatform parses a --platform that takes one platform and returns
// it as records and summaries print it ("" when not given).
func parsePlatform(value string) (string, error) {
	if value == "" {
		return "", nil
	}
	ps, err := parsePlatforms([]string{value})
	if err != nil {
		return "", err
	}
	if len(ps) != 1 {
		return "", fmt.Errorf("--platform %q: give one platform", value)
	}
	return platforms.FormatAll(ps[0]), nil
}

// registerTargets adds --target, an alias of the positional TARGET|GROUP
// arguments that docker buildx users type.
func registerTargets(cmd *cobra.Command, dst *[]string, verb string) {
	cmd.Flags().StringArrayVar(dst, "target", nil, "target or group to "+verb+", as the positional arguments (repeatable)")
}
