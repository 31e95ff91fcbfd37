package stdlib

import (
	ctystdlib "github.com/zclconf/go-cty/cty/function/stdlib"
)

// Only the pure date functions are offered: they transform a timestamp the
// build file is given (from a variable, e.g. set from SOURCE_DATE_EPOCH by
// the caller) and never read the clock, so builds stay reproducible. There is
// deliberately no timestamp().
func datetimeFuncs() []entry {
	return []entry{
		{name: "formatdate", category: catDatetime, fn: describe(ctystdlib.FormatDateFunc,
			`Formats an RFC 3339 timestamp with a format spec such as "YYYY-MM-DD" or "YYYYMMDDhhmmss" (YYYY, YY, MM, M, DD, D, hh, h, mm, m, ss, s, ZZZ, ...; quote literal text with ''). Does not read the clock.`,
			"The format spec.", `The RFC 3339 timestamp, e.g. "2024-05-01T12:00:00Z".`)},
		{name: "timeadd", category: catDatetime, fn: describe(ctystdlib.TimeAddFunc,
			`Adds a duration such as "1h30m" or "-10m" (Go duration syntax) to an RFC 3339 timestamp and returns the new RFC 3339 timestamp. Does not read the clock.`,
			"The RFC 3339 timestamp.", `The duration, e.g. "24h".`)},
	}
}
