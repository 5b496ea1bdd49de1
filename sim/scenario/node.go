package scenario

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// The expansion budget caps the values the loader visits, weighed by
// cost: a few times what the file holds, plus a fixed allowance for
// aliases. An alias-free file visits each value about once, so only a
// "billion laughs" document, or one repeating a long text through
// aliases, runs out instead of eating time and memory.
const (
	budgetPerNode = 3
	budgetAliases = 20_000
)

// cost weighs visiting node n: one, plus one per 256 bytes of text, as
// each visit may hash or compare the text.
func cost(n *yaml.Node) int {
	if n == nil {
		return 1
	}
	return 1 + len(n.Value)/256
}

// nodeBudget returns the expansion budget of the document under n.
func nodeBudget(n *yaml.Node) int {
	total := 0
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		total += cost(n)
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return budgetPerNode*total + budgetAliases
}

// maxErrors caps the errors listed for one file; the rest are counted.
// A hostile file could otherwise produce one per alias expansion.
const maxErrors = 100

// hintBudget caps the did-you-mean work for one file, in candidates and
// edit-distance cells, so a file naming many unknown hosts among many
// known ones still answers at once; later errors go without a hint.
const hintBudget = 2_000_000

// decoder walks yaml.Node trees, collecting every error with its position.
type decoder struct {
	file   string
	errs   ErrorList
	budget int  // cost of the values visited so far
	limit  int  // see nodeBudget
	broke  bool // budget exhausted; reported once
	// mergeDepth counts nested merge keys; an anchor may merge itself.
	mergeDepth int
	// dropped counts errors past maxErrors; firstDropped is where the
	// first of them is.
	dropped      int
	firstDropped Pos
	hintWork     int               // left of hintBudget
	counts       map[string]int    // see limits
	strs         map[string]string // see intern
}

// maxMergeDepth bounds nested merge keys (<<).
const maxMergeDepth = 8

func (d *decoder) pos(n *yaml.Node) Pos {
	if n == nil || n.Line <= 0 {
		return Pos{File: d.file, Line: 1, Col: 1}
	}
	c := n.Column
	if c <= 0 {
		c = 1
	}
	return Pos{File: d.file, Line: n.Line, Col: c}
}

// errAt records an error at p.
func (d *decoder) errAt(p Pos, hint, format string, args ...any) {
	if p.Line <= 0 {
		p.Line, p.Col = 1, 1
	}
	if len(d.errs) >= maxErrors {
		if d.dropped == 0 {
			d.firstDropped = p
		}
		d.dropped++
		return
	}
	for i, a := range args { // clipped first, so as not to quote it whole
		if s, ok := a.(string); ok {
			args[i] = clip(s)
		}
	}
	d.errs = append(d.errs, &Error{File: d.file, Line: p.Line, Col: p.Col, Msg: clip(fmt.Sprintf(format, args...)), Hint: clip(hint)})
}

// maxMsg caps the length of a message or hint, which may quote a value
// of the file: a long one, repeated through aliases, would flood the output.
const maxMsg = 400

// clip shortens s to maxMsg bytes, ending it with "…" when cut.
func clip(s string) string {
	if len(s) <= maxMsg {
		return s
	}
	cut := maxMsg
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// full reports whether further errors would be dropped.
func (d *decoder) full() bool { return len(d.errs) >= maxErrors }

// suggest is didYouMean within the file's hint budget; candidates is
// only called while hints are still given.
func (d *decoder) suggest(s string, candidates func() []string) string {
	if d.full() || d.hintWork == 0 {
		return ""
	}
	return closest(s, candidates(), &d.hintWork)
}

// result sorts the errors into file order and notes any dropped ones.
func (d *decoder) result() ErrorList {
	d.errs.sort()
	if d.dropped > 0 {
		p := d.firstDropped
		d.errs = append(d.errs, &Error{File: d.file, Line: p.Line, Col: p.Col,
			Msg: fmt.Sprintf("too many errors: %d more not shown, the first of them here", d.dropped), Hint: "fix the errors above first"})
	}
	return d.errs
}

// errf records an error at node n.
func (d *decoder) errf(n *yaml.Node, hint, format string, args ...any) {
	d.errAt(d.pos(n), hint, format, args...)
}

// deref follows aliases and charges the expansion budget.
func (d *decoder) deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	d.budget += cost(n)
	if d.budget > d.limit && !d.broke {
		d.broke = true
		d.errf(n, "avoid nesting aliases of aliases", "the file expands to more than %d values", d.limit)
	}
	if d.broke {
		return nil
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// describe names what a node is, for "got ..." in messages.
func describe(n *yaml.Node) string {
	switch {
	case n == nil || isNull(n):
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.ScalarNode:
		return strconv.Quote(n.Value)
	}
	return "something else"
}

// kv is one key/value pair of a mapping.
type kv struct {
	key string
	k   *yaml.Node
	v   *yaml.Node
}

// pairs returns the entries of a mapping in file order, expanding merge
// keys (<<) and reporting duplicate keys. A null node is an empty mapping.
func (d *decoder) pairs(n *yaml.Node, what string) ([]kv, bool) {
	n = d.deref(n)
	if n == nil || isNull(n) {
		return nil, true
	}
	if n.Kind != yaml.MappingNode {
		d.errf(n, "", "%s must be a mapping of key: value, got %s", what, describe(n))
		return nil, false
	}
	var out []kv
	seen := map[string]bool{}
	var merged []kv
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := d.deref(n.Content[i]), n.Content[i+1]
		if k == nil {
			return out, false
		}
		if k.Kind != yaml.ScalarNode {
			d.errf(k, "", "keys of %s must be plain names, got %s", what, describe(k))
			continue
		}
		if k.Value == "<<" && k.Tag == "!!merge" {
			merged = append(merged, d.mergeSources(v, what)...)
			continue
		}
		if seen[k.Value] {
			d.errf(k, "each key may appear once", "duplicate key %q in %s", k.Value, what)
			continue
		}
		seen[k.Value] = true
		out = append(out, kv{k.Value, k, v})
	}
	// Merged keys come first and are overridden by explicit ones.
	var base []kv
	for _, m := range merged {
		if !seen[m.key] {
			seen[m.key] = true
			base = append(base, m)
		}
	}
	return append(base, out...), true
}

// mergeSources expands the value of a << key: one mapping or a list of them.
func (d *decoder) mergeSources(v *yaml.Node, what string) []kv {
	v = d.deref(v)
	if v == nil {
		return nil
	}
	var srcs []*yaml.Node
	if v.Kind == yaml.SequenceNode {
		srcs = v.Content
	} else {
		srcs = []*yaml.Node{v}
	}
	if d.mergeDepth >= maxMergeDepth {
		d.errf(v, "an anchor cannot merge itself", "merge keys (<<) nest more than %d deep", maxMergeDepth)
		return nil
	}
	d.mergeDepth++
	defer func() { d.mergeDepth-- }()
	var out []kv
	for _, s := range srcs {
		p, _ := d.pairs(s, what+" (merged)")
		out = append(out, p...)
	}
	return out
}

// fields reads a mapping with a fixed set of keys, reporting unknown keys
// with a did-you-mean hint.
func (d *decoder) fields(n *yaml.Node, what string, known ...string) (map[string]*yaml.Node, bool) {
	ps, ok := d.pairs(n, what)
	m := make(map[string]*yaml.Node, len(ps))
	for _, p := range ps {
		if !contains(known, p.key) {
			hint := ""
			if !d.full() {
				if hint = didYouMean(p.key, known); hint == "" {
					hint = "known keys: " + strings.Join(known, ", ")
				}
			}
			d.errf(p.k, hint, "unknown key %q in %s", p.key, what)
			ok = false
			continue
		}
		m[p.key] = p.v
	}
	return m, ok
}

// keyNode finds the key node of key in mapping n, for positions.
func keyNode(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return n
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i]
		}
	}
	return n
}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// scalar returns the text of a scalar node, reporting anything else.
func (d *decoder) scalar(n *yaml.Node, want string) (string, bool) {
	n = d.deref(n)
	if n == nil {
		return "", false
	}
	if n.Kind != yaml.ScalarNode || isNull(n) {
		d.errf(n, "", "expected %s, got %s", want, describe(n))
		return "", false
	}
	return n.Value, true
}

// str reads a string; numbers and booleans are taken as written.
func (d *decoder) str(n *yaml.Node) (string, bool) { return d.scalar(n, "a text value") }

func (d *decoder) boolean(n *yaml.Node) (bool, bool) {
	s, ok := d.scalar(n, "true or false")
	if !ok {
		return false, false
	}
	switch strings.ToLower(s) {
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	d.errf(n, "", "expected true or false, got %q", s)
	return false, false
}

func (d *decoder) integer(n *yaml.Node, want string, lo, hi int64) (int64, bool) {
	s, ok := d.scalar(n, want)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 0, 64)
	if err != nil {
		d.errf(n, "", "expected %s, got %q", want, s)
		return 0, false
	}
	if v < lo || v > hi {
		d.errf(n, "", "%s must be between %d and %d, got %d", want, lo, hi, v)
		return 0, false
	}
	return v, true
}

// duration reads a non-negative Go duration such as 20s, 1m30s or 250ms.
func (d *decoder) duration(n *yaml.Node) (time.Duration, bool) {
	const want = "a duration like 20s"
	s, ok := d.scalar(n, want)
	if !ok {
		return 0, false
	}
	if s == "0" {
		return 0, true
	}
	v, err := ParseDuration(s)
	if err != nil {
		hint := "units: ms, s, m, h, d"
		if _, e := strconv.ParseFloat(s, 64); e == nil {
			hint = "add a unit, e.g. " + s + "s"
		}
		d.errf(n, hint, "expected %s, got %q", want, s)
		return 0, false
	}
	if v < 0 {
		d.errf(n, "", "duration must not be negative, got %q", s)
		return 0, false
	}
	return v, true
}

// bandwidth reads a rate like 20Mbit, 1Gbit, 56kbit, 100Mbps or 1.5Mbit/s
// and returns bits per second.
func (d *decoder) bandwidth(n *yaml.Node) (int64, bool) {
	const want = "a bandwidth like 20Mbit"
	s, ok := d.scalar(n, want)
	if !ok {
		return 0, false
	}
	t := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(s), "/s"), "ps")
	t = strings.TrimSuffix(t, "b")
	t = strings.TrimSuffix(t, "bit")
	mult := 1.0
	if t != "" {
		switch t[len(t)-1] {
		case 'k', 'K':
			mult, t = 1e3, t[:len(t)-1]
		case 'M':
			mult, t = 1e6, t[:len(t)-1]
		case 'G':
			mult, t = 1e9, t[:len(t)-1]
		}
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	bps := f * mult
	if err != nil || t == s || math.IsNaN(bps) || bps < 1 || bps > 1e12 {
		d.errf(n, "units: bit, kbit, Mbit, Gbit; between 1bit and 1000Gbit", "expected %s, got %q", want, s)
		return 0, false
	}
	return int64(bps), true
}

// addr reads an IPv4 address.
func (d *decoder) addr(n *yaml.Node) (netip.Addr, bool) {
	const want = "an IPv4 address like 198.51.100.7"
	s, ok := d.scalar(n, want)
	if !ok {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		d.errf(n, "", "expected %s, got %q", want, s)
		return netip.Addr{}, false
	}
	return a, true
}

// prefix reads an IPv4 prefix of length 8..30.
func (d *decoder) prefix(n *yaml.Node) (netip.Prefix, bool) {
	const want = "an IPv4 prefix like 198.51.100.0/24"
	s, ok := d.scalar(n, want)
	if !ok {
		return netip.Prefix{}, false
	}
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() || p.Bits() < 8 || p.Bits() > 24 {
		d.errf(n, "prefix lengths /8 to /24", "expected %s, got %q", want, s)
		return netip.Prefix{}, false
	}
	if p.Masked() != p {
		d.errf(n, "", "prefix %s has host bits set", s)
		return netip.Prefix{}, false
	}
	return p, true
}

// email reads a mail address local@domain; the domain is lower-cased.
func (d *decoder) email(n *yaml.Node) (string, bool) {
	const want = "a mail address like lisa@otherisp.com"
	s, ok := d.scalar(n, want)
	if !ok {
		return "", false
	}
	if !validEmail(s) {
		d.errf(n, "", "expected %s, got %q", want, s)
		return "", false
	}
	return d.intern(normAddr(s)), true
}

// intern returns the one copy of s kept for this file: a load's timeline
// names each address many times, and every copy would stay live for the
// whole run.
func (d *decoder) intern(s string) string {
	if t, ok := d.strs[s]; ok {
		return t
	}
	if d.strs == nil {
		d.strs = map[string]string{}
	}
	d.strs[s] = s
	return s
}

// stringList reads one string or a list of strings.
func (d *decoder) stringList(n *yaml.Node, one func(*yaml.Node) (string, bool)) ([]string, bool) {
	n = d.deref(n)
	if n == nil {
		return nil, false
	}
	if n.Kind != yaml.SequenceNode {
		s, ok := one(n)
		if !ok {
			return nil, false
		}
		return []string{s}, true
	}
	var out []string
	ok := true
	for _, c := range n.Content {
		s, good := one(c)
		ok = ok && good
		if good {
			out = append(out, s)
		}
	}
	return out, ok
}

func validEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at > 64 {
		return false
	}
	for _, r := range s[:at] {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),:;<>@[\]`, r) {
			return false
		}
	}
	return validDomain(s[at+1:])
}

// validDomain reports whether s is a DNS name of letters, digits and
// hyphens with at least two labels.
func validDomain(s string) bool {
	return strings.Contains(s, ".") && validName(s)
}

// validName reports whether s is a host name: dot-separated labels of
// letters, digits and hyphens, 1..63 characters each, not starting or
// ending with a hyphen.
func validName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, l := range strings.Split(s, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}
