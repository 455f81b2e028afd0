package papaparsemod

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// Error is one entry of a parse result's `errors`, with Papa Parse's types and codes.
type Error struct {
	Type    string // Quotes, Delimiter or FieldMismatch
	Code    string // MissingQuotes, InvalidQuotes, UndetectableDelimiter, TooFewFields, TooManyFields
	Message string
	Row     int // index into data; -1 when the error belongs to no row
}

// Config is the part of parse()'s config the CSV reader itself uses.
type Config struct {
	Delimiter         string // "" guesses from DelimitersToGuess
	Newline           string // "" guesses \r\n, \n or \r
	Quote             string
	Escape            string
	Comments          string // lines starting with it are skipped; "" for none
	SkipEmpty         int    // SkipNone, SkipEmpty or SkipGreedy
	Preview           int    // at most this many rows; 0 for all
	FastMode          bool   // quotes are ordinary characters
	DelimitersToGuess []string
}

// Values of Config.SkipEmpty.
const (
	SkipNone   = 0
	SkipEmpty  = 1 // skipEmptyLines: true, lines with nothing on them
	SkipGreedy = 2 // skipEmptyLines: 'greedy', rows whose fields are all whitespace
)

// Record and unit separators, which Papa Parse also guesses as delimiters.
const (
	RecordSep = "\x1e"
	UnitSep   = "\x1f"
)

// DefaultDelimitersToGuess is the order delimiters are tried in when none is given.
var DefaultDelimitersToGuess = []string{",", "\t", "|", ";", RecordSep, UnitSep}

// Result is what the reader found: rows of fields, before headers and typing.
type Result struct {
	Rows      [][]string
	Errors    []Error
	Delimiter string
	Linebreak string
	Cursor    int
	Truncated bool
}

// DefaultConfig is Papa Parse's: guessed delimiter and newline, double quotes escaped by
// doubling.
func DefaultConfig() Config { return Config{Quote: `"`, Escape: `"`} }

// Read splits CSV text into rows of fields.
func Read(input string, cfg Config) Result {
	input = strings.TrimPrefix(input, "\ufeff") // a BOM would otherwise stick to the first header
	if cfg.Quote == "" {
		cfg.Quote = `"`
	}
	if cfg.Escape == "" {
		cfg.Escape = cfg.Quote
	}
	if cfg.Newline != "\n" && cfg.Newline != "\r" && cfg.Newline != "\r\n" {
		cfg.Newline = guessLinebreak(input)
	}
	var errs []Error
	if cfg.Delimiter == "" {
		if d, ok := guessDelimiter(input, cfg); ok {
			cfg.Delimiter = d
		} else {
			cfg.Delimiter = ","
			errs = append(errs, Error{Type: "Delimiter", Code: "UndetectableDelimiter",
				Message: "Unable to auto-detect delimiting character; defaulted to ','", Row: -1})
		}
	}
	r := read(input, cfg)
	r.Errors = append(errs, r.Errors...)
	return r
}

func guessLinebreak(input string) string {
	// Only the start matters, as in Papa Parse: a quoted newline far down cannot sway it.
	head := input[:min(len(input), 1<<20)]
	i := strings.IndexAny(head, "\r\n")
	switch {
	case i < 0:
		return "\n"
	case head[i] == '\n':
		return "\n"
	case strings.HasPrefix(head[i:], "\r\n"):
		return "\r\n"
	default:
		return "\r"
	}
}

// guessDelimiter reads the first rows with each candidate and keeps the one that splits
// them into the most consistent number of fields (at least two on average).
func guessDelimiter(input string, cfg Config) (string, bool) {
	cands := cfg.DelimitersToGuess
	if len(cands) == 0 {
		cands = DefaultDelimitersToGuess
	}
	best, bestDelta, bestAvg := "", 0, 0.0
	for _, d := range cands {
		if d == "" || d == cfg.Newline || d == cfg.Quote {
			continue
		}
		c := cfg
		c.Delimiter, c.Preview, c.SkipEmpty = d, 10, SkipEmpty
		rows := read(input, c).Rows
		if len(rows) == 0 {
			continue
		}
		delta, total, prev := 0, 0, len(rows[0])
		for _, row := range rows {
			total += len(row)
			delta += abs(len(row) - prev)
			prev = len(row)
		}
		avg := float64(total) / float64(len(rows))
		if avg < 1.99 {
			continue
		}
		if best == "" || delta < bestDelta || (delta == bestDelta && avg > bestAvg) {
			best, bestDelta, bestAvg = d, delta, avg
		}
	}
	return best, best != ""
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// read is the reader proper, with delimiter and newline known.
func read(in string, cfg Config) Result {
	res := Result{Delimiter: cfg.Delimiter, Linebreak: cfg.Newline}
	delim, nl, q, esc := cfg.Delimiter, cfg.Newline, cfg.Quote, cfg.Escape
	// The next delimiter and newline at or after pos, found once and reused: searching
	// afresh for every field would be quadratic in a file without delimiters.
	nextDelim, nextNL := -2, -2
	find := func(cache *int, sep string, from int) int {
		if *cache == -1 || (*cache >= from) {
			return *cache
		}
		i := strings.Index(in[from:], sep)
		if i >= 0 {
			i += from
		}
		*cache = i
		return i
	}
	pos := 0
	for pos < len(in) || (pos == len(in) && len(in) > 0 && strings.HasSuffix(in, nl)) {
		if cfg.Comments != "" && strings.HasPrefix(in[pos:], cfg.Comments) {
			e := find(&nextNL, nl, pos)
			if e < 0 {
				break // the comment runs to the end of the input
			}
			pos = e + len(nl)
			continue
		}
		var row []string
		eof := false
		for {
			// One field starting at pos.
			if !cfg.FastMode && strings.HasPrefix(in[pos:], q) {
				f := readQuoted(in, pos+len(q), delim, nl, q, esc)
				// A stray quote makes the field run on to the next closing quote, or, with none,
				// to the end of the input: both are reported.
				if f.malformed {
					res.Errors = append(res.Errors, Error{Type: "Quotes", Code: "InvalidQuotes",
						Message: "Trailing quote on quoted field is malformed", Row: len(res.Rows)})
				}
				if f.unterminated {
					res.Errors = append(res.Errors, Error{Type: "Quotes", Code: "MissingQuotes",
						Message: "Quoted field unterminated", Row: len(res.Rows)})
				}
				row = append(row, f.text)
				pos = f.next
				if f.eof {
					eof = true
					break
				}
				if f.endRow {
					break
				}
				continue
			}
			d, n := find(&nextDelim, delim, pos), find(&nextNL, nl, pos)
			switch {
			case d >= 0 && (n < 0 || d < n):
				row = append(row, in[pos:d])
				pos = d + len(delim)
				continue
			case n >= 0:
				row = append(row, in[pos:n])
				pos = n + len(nl)
			default:
				row = append(row, in[pos:])
				pos, eof = len(in), true
			}
			break
		}
		if !skipRow(row, cfg.SkipEmpty) {
			res.Rows = append(res.Rows, row)
		}
		if cfg.Preview > 0 && len(res.Rows) >= cfg.Preview {
			res.Cursor = pos
			res.Truncated = pos < len(in)
			return res
		}
		if eof {
			break
		}
	}
	res.Cursor = len(in)
	return res
}

type quotedField struct {
	text         string
	next         int  // where the next field or row starts
	endRow       bool // a newline ended the field
	eof          bool // the input ended with the field
	malformed    bool // a quote inside it was neither doubled nor closing
	unterminated bool // the quote never closed: the field runs to the end of input
}

// readQuoted reads a quoted field whose text starts at from.
func readQuoted(in string, from int, delim, nl, q, esc string) quotedField {
	var b strings.Builder
	f := quotedField{}
	i := from
	for {
		j := strings.Index(in[i:], q)
		if esc != q {
			if k := strings.Index(in[i:], esc+q); k >= 0 && (j < 0 || k <= j) {
				b.WriteString(in[i : i+k])
				b.WriteString(q)
				i += k + len(esc) + len(q)
				continue
			}
		}
		if j < 0 {
			b.WriteString(in[i:])
			f.text, f.next, f.eof, f.unterminated = b.String(), len(in), true, true
			return f
		}
		j += i
		b.WriteString(in[i:j])
		after := j + len(q)
		if esc == q && strings.HasPrefix(in[after:], q) {
			b.WriteString(q)
			i = after + len(q)
			continue
		}
		// A closing quote: whitespace may sit between it and what ends the field.
		k := after
		for k < len(in) && (in[k] == ' ' || in[k] == '\t') && !strings.HasPrefix(in[k:], delim) {
			k++
		}
		f.text = b.String()
		switch {
		case k == len(in):
			f.next, f.eof = len(in), true
			return f
		case strings.HasPrefix(in[k:], delim):
			f.next = k + len(delim)
			return f
		case strings.HasPrefix(in[k:], nl):
			f.next, f.endRow = k+len(nl), true
			return f
		}
		// A quote inside the field that neither closes it nor is escaped: keep it as text.
		f.malformed = true
		b.WriteString(q)
		i = after
	}
}

func skipRow(row []string, mode int) bool {
	switch mode {
	case SkipEmpty:
		return len(row) == 1 && row[0] == ""
	case SkipGreedy:
		for _, f := range row {
			if strings.TrimSpace(f) != "" {
				return false
			}
		}
		return true
	}
	return false
}

// A number as dynamicTyping converts it: decimal, optional sign and exponent, no
// thousands separators, hex, Infinity or NaN.
var floatRE = regexp.MustCompile(`^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$`)

// An ISO 8601 date-time (with a time and a zone), which dynamicTyping turns into a Date.
var isoDateRE = regexp.MustCompile(`^\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d(:[0-5]\d(\.\d+)?)?([+-][0-2]\d:[0-5]\d|Z)$`)

// Typed is a field after dynamic typing: exactly one of the kinds.
type Typed struct {
	Kind   int // TypedString, TypedNumber, TypedBool, TypedNull, TypedDate
	String string
	Number float64
	Bool   bool
}

// Kinds of Typed.
const (
	TypedString = iota
	TypedNumber
	TypedBool
	TypedNull
	TypedDate
)

// DynamicType converts a field as dynamicTyping does: true/TRUE and false/FALSE to
// booleans, numbers within ±2^53 (beyond that they would lose digits, so they stay text)
// to numbers, ISO date-times to Dates and the empty field to null.
func DynamicType(s string) Typed {
	switch s {
	case "true", "TRUE":
		return Typed{Kind: TypedBool, Bool: true}
	case "false", "FALSE":
		return Typed{Kind: TypedBool}
	case "":
		return Typed{Kind: TypedNull}
	}
	if floatRE.MatchString(s) {
		if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil && math.Abs(f) < 1<<53 {
			return Typed{Kind: TypedNumber, Number: f}
		}
	}
	if isoDateRE.MatchString(s) {
		return Typed{Kind: TypedDate, String: s}
	}
	return Typed{Kind: TypedString, String: s}
}

// fieldCountError is the FieldMismatch error of a row with the wrong number of fields.
func fieldCountError(row, want, got int) Error {
	if got < want {
		return Error{Type: "FieldMismatch", Code: "TooFewFields", Row: row,
			Message: fmt.Sprintf("Too few fields: expected %d fields but parsed %d", want, got)}
	}
	return Error{Type: "FieldMismatch", Code: "TooManyFields", Row: row,
		Message: fmt.Sprintf("Too many fields: expected %d fields but parsed %d", want, got)}
}
