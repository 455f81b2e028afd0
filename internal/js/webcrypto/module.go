package webcrypto

import (
	"github.com/xk6-neo4j/xk6-neo4j/modules"
)

// ImportPath is where k6 first shipped crypto.subtle; k6's older examples still import
// `{ crypto }` from it, so it serves the VU's global crypto object.
const ImportPath = "k6/experimental/webcrypto"

// New returns the k6/experimental/webcrypto module.
func New() modules.Module {
	return modules.FromExports(func(vu modules.VU) modules.Exports {
		rt := vu.Runtime()
		c := rt.Get("crypto")
		// `import webcrypto from ...` gets an object with the same names, as the other
		// modules' default exports have.
		def := rt.NewObject()
		_ = def.Set("crypto", c)
		return modules.Exports{Default: def, Named: map[string]any{"crypto": c}}
	})
}
