package loader

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// An archive is a test that runs anywhere without its files: one tar holding the script,
// its local imports, the files its init code read, and the options and environment it was
// made with. The layout is k6's (see `k6 archive`):
//
//	metadata.json              Metadata
//	data                       the script's source
//	file/<absolute path>       every local file, the script as a hard link to data
//
// Paths are made anonymous as k6 does: /home/<user> and /Users/<user> become .../nobody, so
// an archive does not carry its author's login; relative paths keep working since every
// path is changed alike.

// Metadata is an archive's metadata.json, with k6's field names.
type Metadata struct {
	// Type is the test's kind: "js", the only one.
	Type string `json:"type"`
	// Options are the options as they were resolved where the archive was made (config
	// file, script, K6_* variables and flags merged; the shortcuts kept as given).
	Options json.RawMessage `json:"options"`
	// Filename and Pwd are the script's and its folder's file:// URLs.
	Filename string `json:"filename"`
	Pwd      string `json:"pwd"`
	// Env is the script environment recorded: the -e values (and the process environment
	// with --include-system-env-vars); null with --exclude-env-vars.
	Env               map[string]string `json:"env"`
	CompatibilityMode string            `json:"compatibilityMode"`
	// K6Version is left empty: k6 then reads the paths as it does for archives of its own
	// old versions, the same paths. Generator names what made the archive instead.
	K6Version string `json:"k6version"`
	Goos      string `json:"goos"`
	Generator string `json:"generator,omitempty"`
}

// Archive is a loaded archive.
type Archive struct {
	Meta Metadata
	// Source is where the archive was read from, for messages.
	Source string
	// Main is the script's path inside the archive (anonymous, slash-separated).
	Main string
	// Files are the archive's files by anonymous absolute path, the script included.
	Files map[string][]byte
}

// homeDir matches the login part of a home folder, as k6 anonymises it.
var homeDir = regexp.MustCompile(`(?i)^/(home|Users)/[^/]+`)

// anonymous is p as the archive names it: slash-separated, cleaned, without the login.
func anonymous(p string) string {
	p = path.Clean("/" + filepath.ToSlash(p))
	return homeDir.ReplaceAllString(p, "/$1/nobody")
}

// recorder collects the files the init code reads, for `archive`. VUs initialise in
// parallel, so it locks.
type recorder struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (r *recorder) add(p string, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.files[p] = data
}

// Record makes the bundle remember every file read through ReadFile from now on, so that
// WriteArchive can put them in the archive.
func (b *Bundle) Record() {
	if b.rec == nil {
		b.rec = &recorder{files: map[string][]byte{}}
	}
}

// WriteArchive writes the bundle's test as an archive to w: the script and its local
// imports as they are on disk now, the files read since Record, and meta (Type, Filename,
// Pwd and Goos are filled in). It returns the archive's file paths, the script first.
func (b *Bundle) WriteArchive(w io.Writer, meta Metadata) ([]string, error) {
	if b.Archive != nil {
		return nil, errors.New("the script is an archive already: archive the script it was made from")
	}
	files := map[string][]byte{}
	for _, p := range b.Imports {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", p, errors.Unwrap(err))
		}
		files[anonymous(p)] = data
	}
	if b.rec != nil {
		b.rec.mu.Lock()
		for p, data := range b.rec.files {
			files[anonymous(p)] = data
		}
		b.rec.mu.Unlock()
	}
	main := anonymous(b.Path)
	script, ok := files[main]
	if !ok {
		return nil, fmt.Errorf("the script %s is not among the bundled files", b.Path)
	}
	meta.Type = "js"
	meta.Filename = (&url.URL{Scheme: "file", Path: main}).String()
	meta.Pwd = (&url.URL{Scheme: "file", Path: path.Dir(main) + "/"}).String()
	meta.Goos = runtime.GOOS
	var mb bytes.Buffer
	enc := json.NewEncoder(&mb)
	enc.SetEscapeHTML(false) // as k6: thresholds such as "p(95)<500" stay readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(meta); err != nil {
		return nil, err
	}

	tw := tar.NewWriter(w)
	now := time.Now()
	put := func(name string, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: now, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	if err := put("metadata.json", mb.Bytes()); err != nil {
		return nil, err
	}
	if err := put("data", script); err != nil {
		return nil, err
	}
	paths := make([]string, 0, len(files))
	dirs := map[string]bool{}
	for p := range files {
		paths = append(paths, p)
		for d := path.Dir(p); d != "/" && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	sort.Strings(paths)
	dirList := make([]string, 0, len(dirs))
	for d := range dirs {
		dirList = append(dirList, d)
	}
	sort.Strings(dirList)
	for _, d := range dirList {
		if err := tw.WriteHeader(&tar.Header{Name: "file" + d + "/", Mode: 0o755, ModTime: now, Typeflag: tar.TypeDir}); err != nil {
			return nil, err
		}
	}
	for _, p := range paths {
		var err error
		if p == main { // as k6: the script once, in data
			err = tw.WriteHeader(&tar.Header{Name: "file" + p, Typeflag: tar.TypeLink, Linkname: "data", ModTime: now})
		} else {
			err = put("file"+p, files[p])
		}
		if err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	listed := []string{main}
	for _, p := range paths {
		if p != main {
			listed = append(listed, p)
		}
	}
	return listed, nil
}

// looksLikeArchive says whether the file at p is a tar (by its first header, as k6 tells
// archives from scripts), or is named .tar and must be one.
func looksLikeArchive(p string) (bool, error) {
	f, err := os.Open(p)
	if err != nil {
		return false, errors.Unwrap(err)
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	if _, err := tar.NewReader(bytes.NewReader(head[:n])).Next(); err == nil {
		return true, nil
	}
	if strings.EqualFold(filepath.Ext(p), ".tar") {
		return false, errors.New("not a tar archive (a .tar file here must be made by `xk6-neo4j archive` or `k6 archive`)")
	}
	return false, nil
}

// ReadArchive reads an archive made by WriteArchive (or by `k6 archive`): its metadata and
// its local files. name is the archive's path, for messages.
func ReadArchive(r io.Reader, name string) (*Archive, error) {
	tr := tar.NewReader(r)
	arc := &Archive{Source: name, Files: map[string][]byte{}}
	var meta, data []byte
	first := true
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			if first {
				return nil, errors.New("an empty tar: not an archive made by `xk6-neo4j archive` or `k6 archive`")
			}
			break
		}
		if err != nil {
			if first {
				return nil, fmt.Errorf("not a tar archive (%w)", err)
			}
			return nil, fmt.Errorf("a damaged tar archive: %w", err)
		}
		first = false
		if hdr.Typeflag != tar.TypeReg {
			continue // folders, and the script's link to data
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("a damaged tar archive: %s: %w", hdr.Name, err)
		}
		switch entry := strings.TrimPrefix(hdr.Name, "./"); {
		case entry == "metadata.json":
			meta = b
		case entry == "data":
			data = b
		case strings.HasPrefix(entry, "file/"):
			arc.Files[anonymous(strings.TrimPrefix(entry, "file"))] = b
		}
		// https/...: remote modules k6 recorded; the ones this tool runs are built in.
	}
	if meta == nil {
		return nil, errors.New("no metadata.json in it: not an archive made by `xk6-neo4j archive` or `k6 archive`")
	}
	if err := json.Unmarshal(meta, &arc.Meta); err != nil {
		return nil, fmt.Errorf("metadata.json: %w", err)
	}
	if arc.Meta.Type != "js" {
		return nil, fmt.Errorf("metadata.json: test type %q: only \"js\" archives run here", arc.Meta.Type)
	}
	u, err := url.Parse(arc.Meta.Filename)
	if err != nil || u.Scheme != "file" || u.Path == "" {
		return nil, fmt.Errorf("metadata.json: filename %q: want the script's file:// URL", arc.Meta.Filename)
	}
	arc.Main = anonymous(u.Path)
	if data != nil {
		arc.Files[arc.Main] = data
	}
	if _, ok := arc.Files[arc.Main]; !ok {
		return nil, fmt.Errorf("the script %s is not in it (no data entry)", arc.Main)
	}
	return arc, nil
}

// LoadArchive reads the archive at p and bundles its script. The files are written to a
// temporary folder for the bundler, which resolves imports exactly as it did for the
// original, and removed again; open() then reads the archive's copies.
func LoadArchive(p string) (*Bundle, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot read %s: %w", ErrScript, p, errors.Unwrap(err))
	}
	defer f.Close()
	arc, err := ReadArchive(f, p)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrScript, p, err)
	}
	tmp, err := os.MkdirTemp("", "xk6-neo4j-archive-")
	if err != nil {
		return nil, fmt.Errorf("%w: unpacking %s: %w", ErrScript, p, err)
	}
	defer os.RemoveAll(tmp)
	for name, data := range arc.Files {
		dst := filepath.Join(tmp, filepath.FromSlash(name)) // name is clean and absolute: it stays inside tmp
		err := os.MkdirAll(filepath.Dir(dst), 0o755)
		if err == nil {
			err = os.WriteFile(dst, data, 0o644)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: unpacking %s: %w", ErrScript, p, err)
		}
	}
	code, _, err := build(filepath.Join(tmp, filepath.FromSlash(arc.Main)), p+": "+arc.Main)
	if err != nil {
		return nil, err
	}
	main := filepath.FromSlash(arc.Main)
	return &Bundle{Path: main, Dir: filepath.Dir(main), Code: code, Archive: arc}, nil
}

// readFile serves open() from the archive: p is absolute, as the script resolved it.
func (a *Archive) readFile(p string) ([]byte, error) {
	if data, ok := a.Files[anonymous(p)]; ok {
		return data, nil
	}
	for name := range a.Files {
		if strings.HasPrefix(name, anonymous(p)+"/") {
			return nil, fmt.Errorf("open(%q): %w", p, syscall.EISDIR) // as os.ReadFile says it
		}
	}
	return nil, fmt.Errorf("open(%q): %w: the archive %s holds only the files the init code read when it was made", p, fs.ErrNotExist, a.Source)
}
