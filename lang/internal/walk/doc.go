// Package walk visits HCL native syntax without allocating per node.
//
// hclsyntax.VisitAll, hclsyntax.Walk and hclsyntax.Variables allocate a
// closure for every node they visit (and a map and a wrapper for every for
// expression). A build file of a thousand targets has a few hundred
// thousand nodes, and lang walks its syntax several times (instrumenting
// it, listing the functions it calls, checking references, linting), so
// those allocations were a large share of `check`'s time. This package
// walks the same nodes in the same order with a type switch; a node type it
// does not know (a newer HCL) is walked by hclsyntax itself, so nothing is
// ever skipped.
package walk
