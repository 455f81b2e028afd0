package js

import "testing"

// The bundler's name for an anonymous default export is shown as k6 shows it: default.
func TestUnmangleFrameNamesTheDefaultFunction(t *testing.T) {
	for in, want := range map[string]string{
		"script_default (/tmp/a/script.js:5:9)":       "default (/tmp/a/script.js:5:9)",
		"my_test_default (/tmp/a/my-test.js:5:9)":     "default (/tmp/a/my-test.js:5:9)",
		"st3_default (/tmp/a/st3.ts:3:8)":             "default (/tmp/a/st3.ts:3:8)",
		"_1st_default (/tmp/1st.js:1:1)":              "default (/tmp/1st.js:1:1)",
		"lib_default2 (/tmp/lib.js:2:3)":              "default (/tmp/lib.js:2:3)",
		"pkg_default (/tmp/pkg/index.js:2:3)":         "default (/tmp/pkg/index.js:2:3)",
		"script_default (file:///C:/x/script.js:5:9)": "default (file:///C:/x/script.js:5:9)",
		"other_default (/tmp/a/script.js:5:9)":        "other_default (/tmp/a/script.js:5:9)", // a name the script chose
		"helper (/tmp/a/script.js:2:8)":               "helper (/tmp/a/script.js:2:8)",
		"/tmp/a/script.js:7:1":                        "/tmp/a/script.js:7:1",
	} {
		if got := unmangleFrame(in); got != want {
			t.Errorf("unmangleFrame(%q) = %q, want %q", in, got, want)
		}
	}
}
