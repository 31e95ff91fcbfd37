// Package compiler turns a checked build (lang.Build) into BuildKit LLB and
// OCI image configs, one per requested target and target platform.
//
//	res, diags := compiler.Compile(ctx, build, compiler.Request{
//		Targets:   []string{"app"},          // targets or groups; empty = default
//		Platforms: []ocispecs.Platform{...}, // empty = each target's DefaultPlatforms
//		Resolver:  resolver,                 // llb.ImageMetaResolver: gateway, client or test table
//	})
//	out := res.Get("app", platform)         // out.State, out.Image, out.Spec
//	def, err := out.Marshal(ctx)            // *llb.Definition for a solve
//
// How it compiles:
//
//   - Only targets reachable from the requested ones are compiled, each
//     (target, platform) once; a target read by another is compiled for its
//     consumer's target platform.
//   - A target's steps run on its RunPlatform, and its base image is pulled
//     for it; its image config describes the target platform. When a target
//     runs on another platform (platform = build_platform) and nothing it
//     builds depends on target_platform, it shares the LLB of its run
//     platform, so every target platform gets byte-identical ops and
//     BuildKit runs them once.
//   - Base images are resolved concurrently before anything is built and
//     pinned to the digest whose config was read. The base's env (PATH is
//     always set), working directory and user apply to steps; the target's
//     env applies to the config and every step, args to run steps only.
//   - Every op derived from a step or source carries a source location in
//     the build file and a vertex name like
//     "[app linux/arm64 3/5] RUN go build ./cmd/app"; names show commands and
//     paths, never env values, and secrets are only ever ids.
//   - Each target reads the main context through its own llb.Local that
//     follows only the paths its steps read.
//   - Output is deterministic: maps are sorted, nothing reads the clock, and
//     MarshalDefinition encodes a definition byte-for-byte reproducibly.
//
// Problems (unknown targets, unresolvable images, named contexts not
// provided) are hcl diagnostics at the build file's ranges. The dump
// subpackage renders definitions as text and dot; compilertest has a fixed
// image resolver for tests. spec/compiler.md describes the mapping in full.
package compiler
