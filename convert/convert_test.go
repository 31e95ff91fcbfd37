package convert_test

import (
	"strings"
	"testing"

	"github.com/org/buildlang/convert"
)

// Several Dockerfiles become one build file: targets prefixed by each
// file's name, each one's built stage named after it, one variable for an
// ARG they share, and a default group of all of them.
func TestSeveralDockerfiles(t *testing.T) {
	out, err := convert.Dockerfiles([]convert.Input{
		{Name: "api/Dockerfile", Data: []byte("ARG VERSION=1\nFROM busybox:1.36 AS build\nARG VERSION\nRUN echo $VERSION > /v\nFROM scratch\nCOPY --from=build /v /v\n")},
		{Name: "Dockerfile.web", Data: []byte("FROM busybox:1.36\nARG VERSION=1\nRUN echo $VERSION > /v\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := string(out.BuildFile)
	for _, want := range []string{`target "api-build" "busybox:1.36" {`, `target "api" "scratch" {`, `from = target.api-build`, `target "web" "busybox:1.36" {`, "targets = [target.api, target.web]"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if n := strings.Count(got, `variable "VERSION"`); n != 1 {
		t.Errorf("%d VERSION variables:\n%s", n, got)
	}
}

// FuzzDockerfile: whatever the input, the converter returns an error or a
// build file that formats and parses; it never panics.
func FuzzDockerfile(f *testing.F) {
	for _, s := range []string{
		"FROM busybox\nRUN echo hi\n",
		"ARG A=1\nFROM ${A} AS x\nCOPY --from=x / /\n",
		"FROM scratch\nCOPY <<EOF /f\n$X\nEOF\n",
		"FROM busybox\nRUN --mount=type=cache,target=/c --mount=type=secret,id=s <<EOF\n#!/bin/sh\nEOF\n",
		"FROM busybox\nHEALTHCHECK --interval=1s CMD true\nEXPOSE 1/udp\nUSER a\nWORKDIR b\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out, err := convert.Dockerfiles([]convert.Input{{Name: "Dockerfile", Data: []byte(src)}})
		if err != nil {
			return
		}
		if len(out.BuildFile) == 0 {
			t.Fatal("no error and no build file")
		}
	})
}

// FuzzBake: whatever the bake file, an error or a build file; never a panic.
func FuzzBake(f *testing.F) {
	f.Add("group \"default\" {\n  targets = [\"a\"]\n}\ntarget \"a\" {\n  args = { X = V }\n  tags = [\"a:${V}\"]\n}\nvariable \"V\" {\n  default = \"1\"\n}\n")
	f.Add("target \"m\" {\n  matrix = { k = [\"1\", \"2\"] }\n  name = \"m-${k}\"\n  inherits = [\"b\"]\n}\ntarget \"b\" {\n  dockerfile-inline = \"FROM scratch\"\n}\n")
	f.Add("function \"image\" {\n  params = [a]\n  result = image(a)\n}\nX = image(\"y\")\n")
	f.Fuzz(func(t *testing.T, src string) {
		read := func(string) ([]byte, error) { return []byte("FROM busybox\nARG X\nRUN echo $X\n"), nil }
		out, err := convert.Bake("docker-bake.hcl", []byte(src), read)
		if err == nil && len(out.BuildFile) == 0 {
			t.Fatal("no error and no build file")
		}
	})
}
