package neo4j_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	neo4j "github.com/xk6-neo4j/xk6-neo4j"
	"github.com/xk6-neo4j/xk6-neo4j/internal/testenv"
	"github.com/xk6-neo4j/xk6-neo4j/modules/modulestest"
)

func TestTLS(t *testing.T) {
	caFile, hp := testenv.StartTLSNeo4j(t, "7696")
	srv := testenv.RequireNeo4j(t)
	_, _, otherCA := testenv.MakeCA(t, "some other CA")
	otherCAFile := filepath.Join(t.TempDir(), "other.crt")
	_ = os.WriteFile(otherCAFile, otherCA, 0o600)

	cases := []struct {
		name, uri, extra string
		wantErr          string // "" means the query works
	}{
		{"verified with the CA file", "bolt+s://" + hp, `caFile: '` + caFile + `'`, ""},
		{"verified, by host name", "neo4j+s://localhost:7696", `caFile: '` + caFile + `'`, ""},
		{"self-signed accepted with +ssc", "bolt+ssc://" + hp, "", ""},
		{"plain bolt still served (TLS optional)", "bolt://" + hp, "", ""},
		{"not trusted without the CA", "bolt+s://" + hp, "", "tls"},
		{"a wrong CA is refused", "bolt+s://" + hp, `caFile: '` + otherCAFile + `'`, "tls"},
		{"caFile needs a verifying scheme", "bolt+ssc://" + hp, `caFile: '` + caFile + `'`, `"caFile"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vu := modulestest.NewVU(t)
			root := neo4j.New()
			defer root.Close()
			vu.Import("neo4j", root)
			opts := `{password: '` + srv.Password + `'`
			if c.extra != "" {
				opts += ", " + c.extra
			}
			opts += "}"
			_, err := vu.Run(`var db = neo4j.connect('` + c.uri + `', ` + opts + `)`)
			if c.wantErr == "" {
				if err != nil {
					t.Fatalf("connect: %v", err)
				}
				vu.MoveToVUContext()
				v, err := vu.Run(`db.read('RETURN 7 AS n').records[0].n`)
				if err != nil || v.ToInteger() != 7 {
					t.Fatalf("query over TLS: %v %v", v, err)
				}
				return
			}
			if err == nil {
				t.Fatal("connect succeeded, want an error")
			}
			if !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("error %q lacks %q", err, c.wantErr)
			}
			if strings.Contains(err.Error(), srv.Password) {
				t.Fatal("password in the error")
			}
		})
	}
}
