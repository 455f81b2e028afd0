package cmd

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/grafana/sobek"

	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

// What scripts can import from each built-in module: the named exports and, for the
// modules imported as a whole (`import exec from 'k6/execution'`), a default object with
// the same keys. Scripts written for k6 depend on these names.
func TestBuiltInModulesExportTheirNames(t *testing.T) {
	want := map[string]struct {
		named       string
		withDefault bool
	}{
		"k6":           {named: "check fail group randomSeed sleep"},
		"k6/metrics":   {named: "Counter Gauge Rate Trend"},
		"k6/data":      {named: "SharedArray"},
		"k6/execution": {named: "instance scenario test vu", withDefault: true},
		"k6/timers":    {named: "clearInterval clearTimeout setInterval setTimeout"},
		"k6/crypto": {named: "createHMAC createHash hmac md4 md5 randomBytes ripemd160 sha1 sha256 " +
			"sha384 sha512 sha512_224 sha512_256"},
		"k6/encoding": {named: "b64decode b64encode"},
		"k6-summary":  {named: "textSummary"},
		"k6-utils": {named: "check findBetween getCurrentStageIndex normalDistributionStages randomIntBetween randomItem " +
			"randomString tagWithCurrentStageIndex tagWithCurrentStageProfile uuidv4"},
		"k6/experimental/fs":  {named: "SeekMode open", withDefault: true},
		"k6/experimental/csv": {named: "Parser parse", withDefault: true},
		"papaparse": {named: "BAD_DELIMITERS BYTE_ORDER_MARK DefaultDelimiter RECORD_SEP UNIT_SEP parse unparse",
			withDefault: true},
	}
	table := ModuleTable()
	for path, w := range want {
		m, ok := table[path]
		if !ok {
			t.Errorf("%s: not in the module table", path)
			continue
		}
		// Init-only VUs and iteration VUs import the same names.
		for _, iterating := range []bool{false, true} {
			vu := modulestest.NewVU(t)
			if iterating {
				vu.MoveToVUContext()
			}
			ex := m.NewModuleInstance(vu).Exports()
			names := make([]string, 0, len(ex.Named))
			for k := range ex.Named {
				names = append(names, k)
			}
			sort.Strings(names)
			if got := strings.Join(names, " "); got != w.named {
				t.Errorf("%s (iterating %v): named exports %q, want %q", path, iterating, got, w.named)
			}
			def, isObj := ex.Default.(*sobek.Object)
			switch {
			case !w.withDefault && ex.Default != nil:
				t.Errorf("%s: has a default export %v, want none", path, ex.Default)
			case w.withDefault && !isObj:
				t.Errorf("%s: default export %v, want an object", path, ex.Default)
			case w.withDefault:
				keys := def.Keys()
				sort.Strings(keys)
				if !slices.Equal(keys, names) {
					t.Errorf("%s: default export's keys %v, want the named exports %v", path, keys, names)
				}
			}
		}
	}
}
