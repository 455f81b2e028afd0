package testenv

import (
	"strconv"
	"strings"
)

// Readable is a program's stderr as a person reads the errors in it: where stderr is not a
// terminal, an error that ends a command is a logfmt line (level=error msg="..."), its
// message quoted. Readable unquotes the msg of those lines, so that a test looks for a
// message as it was written (its quotes, its new lines), whichever way it was printed.
// Other lines, and log lines with fields after msg, are left as they are.
func Readable(s string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		if strings.HasPrefix(line, "time=") && strings.Contains(line, " level=error ") {
			if i := strings.Index(line, ` msg="`); i >= 0 {
				rest := line[i+len(" msg="):]
				// The error that ends a command has no field after its msg; a console.error
				// line (source=console) is left as it is.
				if q, err := strconv.QuotedPrefix(rest); err == nil && strings.TrimSpace(rest[len(q):]) == "" {
					if u, err := strconv.Unquote(q); err == nil {
						line = line[:i+len(" msg=")] + u + rest[len(q):]
					}
				}
			}
		}
		b.WriteString(line)
	}
	return b.String()
}
