package cmd

import "fmt"

// checkSummaryMode accepts k6's --summary-mode values. k6's "legacy" (its pre-1.0 layout)
// is refused by name: this tool only has the current layout, and printing that under
// "legacy" would mislead whoever parses it.
func checkSummaryMode(mode string) error {
	switch mode {
	case "compact", "full", "disabled":
		return nil
	case "legacy":
		return fmt.Errorf("%q is not supported (k6's pre-1.0 layout); use compact, full or disabled", mode)
	}
	return fmt.Errorf("%q is not a summary mode; use compact, full or disabled", mode)
}
