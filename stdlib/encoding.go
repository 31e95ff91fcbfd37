package stdlib

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	ctystdlib "github.com/zclconf/go-cty/cty/function/stdlib"
)

func encodingFuncs() []entry {
	e := func(name string, fn function.Function, returns string) entry {
		return entry{name: name, category: catEncoding, fn: fn, returns: returns}
	}
	return []entry{
		e("base64decode", base64DecodeFunc, ""),
		e("base64encode", base64EncodeFunc, ""),
		e("csvdecode", describe(ctystdlib.CSVDecodeFunc,
			"Parses CSV text (RFC 4180) whose first row is a header, returning a list of objects, one per remaining row, with the header names as attributes.",
			"The CSV text."), "list(object)"),
		e("jsondecode", describe(ctystdlib.JSONDecodeFunc,
			"Parses a JSON document into the corresponding value: objects become objects, arrays become tuples.",
			"The JSON text."), "any"),
		e("jsonencode", describe(ctystdlib.JSONEncodeFunc, "Encodes a value as compact JSON, with object keys sorted.", "The value to encode."), ""),
		e("urlencode", urlEncodeFunc, ""),
	}
}

// stringToString builds the simple string -> string functions of this
// package; impl may fail, and its error is reported against the argument.
func stringToString(desc, paramName, paramDesc string, impl func(string) (string, error)) function.Function {
	return function.New(&function.Spec{
		Description: desc,
		Params: []function.Parameter{
			{Name: paramName, Type: cty.String, Description: paramDesc},
		},
		Type:         function.StaticReturnType(cty.String),
		RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder { return b.NotNull() },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			out, err := impl(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), function.NewArgError(0, err)
			}
			return cty.StringVal(out), nil
		},
	})
}

var base64EncodeFunc = stringToString(
	"Encodes the string's UTF-8 bytes as standard base64 (RFC 4648, with padding).",
	"str", "The string to encode.",
	func(s string) (string, error) { return base64.StdEncoding.EncodeToString([]byte(s)), nil })

// base64DecodeFunc rejects results that are not UTF-8, because buildlang
// strings are Unicode text; binary data has no string form.
var base64DecodeFunc = stringToString(
	"Decodes standard base64 (RFC 4648, with padding). Fails if the input is not valid base64 or the decoded bytes are not valid UTF-8 text.",
	"str", "The base64 text.",
	func(s string) (string, error) {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return "", fmt.Errorf("invalid base64: %w", err)
		}
		if !utf8.Valid(b) {
			return "", fmt.Errorf("the decoded bytes are not valid UTF-8 text")
		}
		return string(b), nil
	})

var urlEncodeFunc = stringToString(
	`Escapes the string for use in a URL query: spaces become "+", and bytes other than letters, digits and "-_.~" become %XX.`,
	"str", "The string to escape.",
	func(s string) (string, error) { return url.QueryEscape(s), nil })
