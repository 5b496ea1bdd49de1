package main

import (
	"encoding/xml"
	"fmt"
	"strings"
	"time"
)

// JUnit XML as CI dashboards read it (the Ant/Jenkins dialect): one
// testsuite per run, one testcase per scenario, a failure element for a
// scenario whose expectations failed or that is invalid, an error
// element for a simulation that failed.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// junitReport renders the outcomes of one test run.
func junitReport(outs []verdict, total time.Duration, sh shard) ([]byte, error) {
	suite := junitSuite{Name: "mailsim", Tests: len(outs), Time: seconds(total)}
	if !sh.all() {
		suite.Name = "mailsim shard " + sh.String() // unique per shard, so reports merge
	}
	for _, v := range outs {
		tc := junitCase{Name: v.Name, Classname: "mailsim.scenarios", Time: seconds(v.Wall)}
		tc.SystemOut = strings.Join(v.Results, "\n")
		probs := strings.Join(v.Problems, "\n")
		switch {
		case v.Invalid:
			suite.Failures++
			tc.Failure = &junitProblem{Message: "invalid scenario: " + firstLine(probs), Type: "invalid", Text: probs}
		case v.SimFail:
			suite.Errors++
			tc.Error = &junitProblem{Message: firstLine(probs), Type: "simulation", Text: probs}
		case !v.passed():
			suite.Failures++
			msg := fmt.Sprintf("%d of %d expectations failed: %s", v.Failed, len(v.Results), firstLine(probs))
			tc.Failure = &junitProblem{Message: msg, Type: "expectation", Text: probs}
		}
		suite.Cases = append(suite.Cases, tc)
	}
	doc := junitSuites{Name: "mailsim test", Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors,
		Time: suite.Time, Suites: []junitSuite{suite}}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
