package scenario

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Error is one problem found in a scenario file, with its position.
type Error struct {
	File string // file name as given to Parse or Load
	Line int    // 1-based line
	Col  int    // 1-based column
	Msg  string // what is wrong
	Hint string // how to fix it; may be empty
}

// Error formats the problem as "file:line:col: msg (hint)".
func (e *Error) Error() string {
	s := fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

// ErrorList holds every problem found in one file, in file order.
type ErrorList []*Error

// Error joins the problems, one per line.
func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// sort orders the list by position, keeping the discovery order of ties.
func (l ErrorList) sort() {
	sort.SliceStable(l, func(i, j int) bool {
		if l[i].Line != l[j].Line {
			return l[i].Line < l[j].Line
		}
		return l[i].Col < l[j].Col
	})
}

// didYouMean returns a hint naming the candidate closest to s by edit
// distance, or "" when none is close enough to be a likely typo.
func didYouMean(s string, candidates []string) string {
	work := -1 // no budget
	return closest(s, candidates, &work)
}

// maxHinted is the longest text didYouMean looks for: names are at
// most 253 bytes, and a typo hint for anything longer helps nobody.
const maxHinted = 256

// closest is didYouMean charging *work (when not negative) for every
// candidate and edit-distance cell, and giving up when it runs out.
func closest(s string, candidates []string, work *int) string {
	if len(s) > maxHinted {
		return ""
	}
	limit := 2
	if len(s) >= 9 {
		limit = 3
	}
	var e editor
	a := e.lower(nil, s)
	best, bestD := "", limit+1
	for _, c := range candidates {
		if *work == 0 || bestD == 0 {
			break
		}
		if *work > 0 {
			*work--
		}
		// Only a candidate closer than the best so far matters.
		if d := e.distance(a, c, bestD-1, work); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" || bestD >= len(s) {
		return ""
	}
	return fmt.Sprintf("did you mean %q?", best)
}

// editor holds the buffers of distance, reused across candidates.
type editor struct {
	b         []rune
	prev, cur []int
}

// lower appends the lower-cased runes of s to buf.
func (e *editor) lower(buf []rune, s string) []rune {
	for _, r := range s {
		buf = append(buf, unicode.ToLower(r))
	}
	return buf
}

// distance is the Levenshtein distance between a and lower-cased b when
// it is at most limit, else limit+1. Only the cells within limit of the
// diagonal are computed, so a candidate costs O(len × limit).
func (e *editor) distance(a []rune, b string, limit int, work *int) int {
	far := limit + 1
	if limit < 0 || abs(utf8.RuneCountInString(b)-len(a)) > limit {
		return far
	}
	e.b = e.lower(e.b[:0], b)
	rb := e.b
	if cap(e.prev) < len(rb)+2 {
		e.prev, e.cur = make([]int, len(rb)+2), make([]int, len(rb)+2)
	}
	prev, cur := e.prev[:len(rb)+2], e.cur[:len(rb)+2]
	for j := range prev {
		prev[j] = min(j, far)
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-limit), min(len(rb), i+limit)
		cur[lo-1] = far
		if lo == 1 {
			cur[0] = min(i, far)
		}
		rowMin := cur[lo-1]
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost, far)
			rowMin = min(rowMin, cur[j])
		}
		cur[hi+1] = far
		if *work > 0 {
			*work = max(*work-(hi-lo+1), 0)
		}
		if rowMin >= far {
			return far
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
