package lang

import (
	"github.com/agext/levenshtein"
)

// suggest returns the candidate closest to given, or "" when none is close.
// Closeness follows hclsyntax's nameSuggestion (distance below 3) so our
// suggestions read like HCL's own; ties go to the alphabetically first name
// so the result does not depend on map order. The work is bounded: a file
// with 30,000 unknown names among 30,000 declared ones would otherwise take
// minutes, so at most maxSuggestWork names of a plausible length are
// compared.
func suggest(given string, candidates []string) string {
	best, bestDist := "", 3
	work := 0
	for _, c := range candidates {
		if diff := len(c) - len(given); diff > bestDist || -diff > bestDist {
			continue
		}
		if work++; work > maxSuggestWork {
			break
		}
		d := levenshtein.Distance(given, c, nil)
		if d < bestDist || d == bestDist && best != "" && c < best {
			best, bestDist = c, d
		}
	}
	return best
}

const maxSuggestWork = 2000

// didYouMean renders a suggestion as the end of a diagnostic's Detail.
func didYouMean(given string, candidates []string) string {
	if s := suggest(given, candidates); s != "" {
		return " Did you mean " + quote(s) + "?"
	}
	return ""
}

func quote(s string) string { return `"` + s + `"` }
