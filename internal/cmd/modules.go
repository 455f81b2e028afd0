package cmd

import (
	neo4j "github.com/xk6-neo4j/xk6-neo4j"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/cryptomod"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/csvmod"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/datamod"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/encodingmod"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/executionmod"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/fsmod"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/k6mod"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/k6utilsmod"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/metricsmod"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/papaparsemod"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/summarymod"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/timersmod"
	"github.com/xk6-neo4j/xk6-neo4j/internal/js/webcrypto"
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// ModuleTable is the one place where import paths meet modules. A new table, with new root
// modules, is made for every run.
func ModuleTable() map[string]modules.Module {
	return map[string]modules.Module{
		"k6":           k6mod.New(),
		"k6/metrics":   metricsmod.New(),
		"k6/data":      datamod.New(),
		"k6/execution": executionmod.New(),
		"k6/x/neo4j":   neo4j.New(),
		// k6's summary library (https://jslib.k6.io/k6-summary/...), built in.
		summarymod.ImportPath:   summarymod.New(),
		timersmod.ImportPath:    timersmod.New(),
		cryptomod.ImportPath:    cryptomod.New(),
		encodingmod.ImportPath:  encodingmod.New(),
		k6utilsmod.ImportPath:   k6utilsmod.New(),   // https://jslib.k6.io/k6-utils/1.x/index.js
		papaparsemod.ImportPath: papaparsemod.New(), // https://jslib.k6.io/papaparse/5.x/index.js
		fsmod.ImportPath:        fsmod.New(),
		csvmod.ImportPath:       csvmod.New(),
		webcrypto.ImportPath:    webcrypto.New(), // the older home of crypto.subtle
	}
}
