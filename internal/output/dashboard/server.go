package dashboard

import (
	"bytes"
	"embed"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

//go:embed assets
var assets embed.FS

// The page is one document: the HTML with the stylesheet and the script inlined, so that the
// live page needs no second request and the report is a single file.
var page = func() string {
	read := func(name string) string {
		b, err := assets.ReadFile("assets/" + name)
		if err != nil {
			panic(err) // embedded at build time: cannot happen
		}
		return string(b)
	}
	return strings.NewReplacer(
		"/*STYLE*/", read("dashboard.css"),
		"/*SCRIPT*/", read("dashboard.js"),
	).Replace(read("dashboard.html"))
}()

// dataMarker is where the report's data goes: an empty JSON script element that the page
// reads; left empty, the page polls the server instead.
const dataMarker = `<script type="application/json" id="report-data"></script>`

// reportPage is the page with data embedded. data must be JSON encoded with HTML escaping
// (encoding/json's default), so that it cannot close the script element.
func reportPage(data []byte) []byte {
	i := strings.Index(page, dataMarker)
	var b bytes.Buffer
	b.Grow(len(page) + len(data))
	b.WriteString(page[:i])
	b.WriteString(`<script type="application/json" id="report-data">`)
	b.Write(data)
	b.WriteString(`</script>`)
	b.WriteString(page[i+len(dataMarker):])
	return b.Bytes()
}

// The page's content security policy: it runs its own inline script and style, may fetch
// from where it came (the snapshot), and nothing else. The page carries the same policy as a
// meta element, so the report, opened from a file, cannot load anything either (and its
// script fetches nothing: the data is inside).
const csp = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'"

// Handler serves the live dashboard:
//
//	GET /               the page
//	GET /api/snapshot   the Snapshot as JSON
//	GET /report         the HTML report of the run so far, as a download
func (o *Output) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("Content-Security-Policy", csp)
		_, _ = w.Write([]byte(page))
	})
	mux.HandleFunc("GET /api/snapshot", func(w http.ResponseWriter, r *http.Request) {
		s := o.Snapshot()
		b, err := json.Marshal(s)
		if err != nil {
			o.logger.Warn("web dashboard: encoding the snapshot", "error", err)
			http.Error(w, "encoding the snapshot failed", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "no-store")
		_, _ = w.Write(b)
		if o.onSnapshot != nil {
			o.mu.Lock()
			o.served++
			n := o.served
			o.mu.Unlock()
			o.onSnapshot(n)
		}
	})
	mux.HandleFunc("GET /report", func(w http.ResponseWriter, r *http.Request) {
		var b bytes.Buffer
		if err := o.WriteReport(&b); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="xk6-neo4j-report-`+time.Now().Format("20060102-150405")+`.html"`)
		h.Set("Cache-Control", "no-store")
		_, _ = w.Write(b.Bytes())
	})
	return secure(mux)
}

func secure(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}
