// Command baremem is the baseline of bench/vu-memory: N bare sobek runtimes, each having run
// a script like bench/mem.js without any host around it, kept alive; it prints its peak RSS.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/grafana/sobek"
)

const src = `var sleep = function (s) {}; var exportsDefault = function () { sleep(1); }; exportsDefault();`

func main() {
	n := flag.Int("n", 100, "runtimes")
	flag.Parse()
	prg := sobek.MustCompile("mem.js", src, false)
	rts := make([]*sobek.Runtime, *n)
	for i := range rts {
		rt := sobek.New()
		if _, err := rt.RunProgram(prg); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		rts[i] = rt
	}
	runtime.GC()
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			fmt.Println(strings.Join(strings.Fields(l)[1:2], ""))
		}
	}
	runtime.KeepAlive(rts)
}
