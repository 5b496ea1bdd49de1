package scenario

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Defaults for the run as a whole.
var (
	// DefaultUntil is the shortest run when the file gives no until:.
	DefaultUntil = 10 * time.Minute
	// DefaultMargin is added after the latest time the file mentions
	// when that is later than DefaultUntil and there is no until:.
	DefaultMargin = time.Minute
	// DefaultEpoch is the wall-clock time virtual time 0 stands for.
	DefaultEpoch = time.Date(2000, 1, 3, 9, 0, 0, 0, time.UTC)
)

// Load reads and resolves the scenario file at path.
func Load(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Parse reads and resolves a scenario from data; filename is used in
// positions and error messages. Any problem yields an ErrorList holding
// every error found.
func Parse(filename string, data []byte) (*Scenario, error) {
	d := &decoder{file: filename, hintWork: hintBudget}
	if len(bytes.TrimSpace(data)) == 0 {
		d.errAt(Pos{}, "start with title: and isps:, see scenarios/FORMAT.md", "the file is empty")
		return nil, d.errs
	}
	var doc yaml.Node
	if err := unmarshal(data, &doc); err != nil {
		if d.reportTabs(data) {
			return nil, d.errs
		}
		line, msg := 1, strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
			if n, e := strconv.Atoi(m[1]); e == nil && n > 0 {
				line, msg = n, m[2]
				// yaml.v3 reports parser errors with a 0-based line and
				// scanner errors with a 1-based one.
				if strings.HasPrefix(msg, "did not find expected ") && !strings.Contains(msg, "alphabetic") && !strings.Contains(msg, "URI") {
					line++
				}
			}
		}
		line = min(line, bytes.Count(data, []byte("\n"))+1)
		hint := "check indentation, colons and quotes"
		if strings.Contains(msg, "expected ',' or") {
			hint = `inside {..} or [..], quote values that end in ? or hold ": ", e.g. subject: "Lunch?"`
		}
		d.errAt(Pos{Line: line, Col: 1}, hint, "YAML syntax error: %s", msg)
		return nil, d.errs
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		d.errAt(Pos{}, "start with title: and isps:, see scenarios/FORMAT.md", "the file is empty")
		return nil, d.errs
	}
	d.limit = nodeBudget(&doc)
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		d.errf(root, "start with title: and isps:", "the scenario must be a mapping of keys, got %s", describe(root))
		return nil, d.errs
	}
	s := resolve(d, d.readDoc(root))
	if len(d.errs) > 0 {
		return nil, d.result()
	}
	return s, nil
}

// unmarshal runs the YAML parser, turning a parser panic into an error so
// that no input can crash the caller.
func unmarshal(data []byte, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	return yaml.Unmarshal(data, n)
}

// resolve turns the raw document into the resolved model.
func resolve(d *decoder, doc *rawDoc) *Scenario {
	s := &Scenario{Source: d.file, Title: doc.title, Description: doc.desc, Seed: doc.seed, Epoch: doc.epoch}
	if s.Epoch.IsZero() {
		s.Epoch = DefaultEpoch
	}
	nw := &world{d: d, s: s, byName: map[string]int{}, byAddr: map[netip.Addr]string{},
		links: map[[2]string]int{}, defs: doc.defaults, domainISP: map[string]string{}, rawISPs: map[string]*rawISP{},
		ispIdx: map[string]int{}, pcIdx: map[string]int{}, pcsOf: map[string][]int{}, freeFrom: map[freeKey]uint32{}}
	nw.resolveNetwork(doc)
	nw.resolveMX(doc)
	s.reindex()
	s.buildZones()
	s.Timeline = nw.readTimeline(doc.timeline)
	nw.relayForAdded()
	s.Expect = nw.readExpect(doc.expect)
	if len(s.Expect) == 0 && len(doc.expect) == 0 {
		d.errf(keyNode(doc.root, "expect"), "add expect: with at least one check, e.g. - {downloaded: bob-pc}", "the scenario has no expectations")
	}
	// The end of the run.
	if doc.untilNode != nil {
		s.Until = doc.until
		for _, t := range nw.times {
			if t.t > s.Until {
				d.errAt(t.pos, "raise until: or move it earlier", "%s %s is after the end of the run (until: %s)", t.key, fmtDur(t.t), fmtDur(s.Until))
			}
		}
	} else {
		s.Until = DefaultUntil
		for _, t := range nw.times {
			s.Until = max(s.Until, t.t+DefaultMargin)
		}
	}
	for i := range s.Expect {
		e := &s.Expect[i]
		if e.Kind == ExpMailbox && e.At == 0 {
			e.At = s.Until
		}
	}
	s.warn()
	return s
}
