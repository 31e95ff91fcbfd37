package lang

import (
	"sort"

	"github.com/agext/levenshtein"
)

// suggest returns the candidate closest to given, or "" when none is close.
// Closeness follows hclsyntax's nameSuggestion (distance below 3) so our
// suggestions read like HCL's own; ties go to the alphabetically first name
// so the result does not depend on map order.
func suggest(given string, candidates []string) string {
	best, bestDist := "", 3
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	for _, c := range sorted {
		if d := levenshtein.Distance(given, c, nil); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// didYouMean renders a suggestion as the end of a diagnostic's Detail.
func didYouMean(given string, candidates []string) string {
	if s := suggest(given, candidates); s != "" {
		return " Did you mean " + quote(s) + "?"
	}
	return ""
}

func quote(s string) string { return `"` + s + `"` }
