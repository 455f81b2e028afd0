package loader

import (
	"encoding/base64"
	"encoding/json"
	"strings"
)

// The runtime looks a position up in the bundle's source map with a 1-based column, while
// source maps count columns from 0, and it prints the mapped column as it finds it, 0-based.
// A frame would then name one column before the one k6 names for the same line (k6 runs
// the file unbundled: `throw new Error()` indented by two spaces is column 9, not 8). So
// every mapping is moved one column right on both sides: the lookup then lands on the
// mapping it meant, and the column it returns counts from 1, as k6's do.

const inlineMapPrefix = "//# sourceMappingURL=data:application/json;base64,"

// oneBasedColumns rewrites the inline source map at the end of code as said above. Code
// without one, or with one it cannot read, is returned as it is: positions are then off
// by a column, never wrong by a line.
func oneBasedColumns(code string) string {
	i := strings.LastIndex(code, inlineMapPrefix)
	if i < 0 {
		return code
	}
	rest := code[i+len(inlineMapPrefix):]
	end := strings.IndexAny(rest, "\r\n")
	if end < 0 {
		end = len(rest)
	}
	raw, err := base64.StdEncoding.DecodeString(rest[:end])
	if err != nil {
		return code
	}
	var sm map[string]any
	if err := json.Unmarshal(raw, &sm); err != nil {
		return code
	}
	mappings, ok := sm["mappings"].(string)
	if !ok {
		return code
	}
	shifted, ok := shiftMappings(mappings, code[:i])
	if !ok {
		return code
	}
	sm["mappings"] = shifted
	out, err := json.Marshal(sm)
	if err != nil {
		return code
	}
	return code[:i] + inlineMapPrefix + base64.StdEncoding.EncodeToString(out) + rest[end:]
}

// maxDenseColumns bounds the rewritten map: past it (a bundle of megabytes), mappings are only
// moved, not filled in, and a frame between two mappings names the earlier one's column.
const maxDenseColumns = 4 << 20

// shiftMappings rewrites a source map's "mappings" so that every generated column of code
// that lies in a mapped run has a mapping of its own, one column to the right on both sides.
// Filling in matters because the runtime takes the nearest mapping at or before a position
// as it is: a call's frame points at its "(", which esbuild leaves unmapped, and would name
// the callee's first column. A filled-in column maps to its run's source column plus its
// distance from the run's start (its first token, past any indentation), which is exact
// where esbuild kept the text as written.
func shiftMappings(m string, code string) (string, bool) {
	genLines := strings.Split(code, "\n")
	dense := len(code) <= maxDenseColumns
	var b strings.Builder
	prevSrc, prevLine, prevCol, prevName := 0, 0, 0, 0 // relative across the whole map
	srcIdx, srcLine, srcCol, nameIdx := 0, 0, 0, 0     // absolute, as decoded
	for li, line := range strings.Split(m, ";") {
		if li > 0 {
			b.WriteByte(';')
		}
		if line == "" {
			continue
		}
		type seg struct {
			gen, src, line, col, name int
			fields                    int
		}
		var segs []seg
		gen := 0
		for _, part := range strings.Split(line, ",") {
			v, ok := decodeVLQ(part)
			if !ok || (len(v) != 1 && len(v) != 4 && len(v) != 5) {
				return "", false
			}
			gen += v[0]
			sg := seg{gen: gen, fields: len(v)}
			if len(v) >= 4 {
				srcIdx += v[1]
				srcLine += v[2]
				srcCol += v[3]
				sg.src, sg.line, sg.col = srcIdx, srcLine, srcCol
			}
			if len(v) == 5 {
				nameIdx += v[4]
				sg.name = nameIdx
			}
			segs = append(segs, sg)
		}
		lineLen := 0
		if li < len(genLines) {
			lineLen = len(genLines[li])
		}
		prevGen := 0
		first := true
		emit := func(g int, sg seg, col int, withName bool) {
			if !first {
				b.WriteByte(',')
			}
			first = false
			vals := []int{g + 1 - prevGen}
			prevGen = g + 1
			if sg.fields >= 4 {
				vals = append(vals, sg.src-prevSrc, sg.line-prevLine, col+1-prevCol)
				prevSrc, prevLine, prevCol = sg.src, sg.line, col+1
				if withName && sg.fields == 5 {
					vals = append(vals, sg.name-prevName)
					prevName = sg.name
				}
			}
			b.WriteString(encodeVLQ(vals))
		}
		for i, sg := range segs {
			emit(sg.gen, sg, sg.col, true)
			if !dense || sg.fields < 4 {
				continue
			}
			next := lineLen
			if i+1 < len(segs) {
				next = segs[i+1].gen
			}
			// esbuild maps a line's indentation to its first token: the run starts there.
			start := sg.gen
			for start < next && start < lineLen && (genLines[li][start] == ' ' || genLines[li][start] == '\t') {
				start++
			}
			for g := sg.gen + 1; g < next; g++ {
				emit(g, sg, sg.col+max(0, g-start), false)
			}
		}
	}
	return b.String(), true
}

const vlqDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// decodeVLQ reads one segment: base64 digits of 5 bits each, low bits first, the 6th bit
// saying another digit follows; the lowest bit of a value is its sign.
func decodeVLQ(s string) ([]int, bool) {
	var out []int
	value, shift := 0, 0
	for i := 0; i < len(s); i++ {
		d := strings.IndexByte(vlqDigits, s[i])
		if d < 0 || shift > 30 {
			return nil, false
		}
		value |= (d & 31) << shift
		if d&32 != 0 {
			shift += 5
			continue
		}
		if value&1 != 0 {
			out = append(out, -(value >> 1))
		} else {
			out = append(out, value>>1)
		}
		value, shift = 0, 0
	}
	if shift != 0 {
		return nil, false // a digit promised another that never came
	}
	return out, true
}

func encodeVLQ(vals []int) string {
	var b strings.Builder
	for _, v := range vals {
		u := v << 1
		if v < 0 {
			u = (-v << 1) | 1
		}
		for {
			d := u & 31
			u >>= 5
			if u > 0 {
				d |= 32
			}
			b.WriteByte(vlqDigits[d])
			if u == 0 {
				break
			}
		}
	}
	return b.String()
}
