// Package gen generates synthetic build files for benchmarks, so the
// compiler's BenchmarkCompile and lang's BenchmarkCheck measure the same
// input. Output is deterministic: the same arguments give the same bytes.
package gen
