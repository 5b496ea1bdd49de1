package scenario

import (
	"fmt"
	"sort"
)

// Warnings are expectations that are valid but can never hold, found
// from the file alone: the run would only tell after the fact. They do
// not stop a run; mailsim prints them and exits as it would have.

// noticeSubjects are the subjects of the messages servers write themselves.
var noticeSubjects = []string{"Undelivered Mail Returned to Sender", "Delayed Mail (still being retried)"}

// warn adds the warnings about s's expectations.
func (s *Scenario) warn() {
	checks := map[string][]Action{} // PC → its check actions
	subjects := map[string]bool{}
	senders := map[string]bool{} // hosts where a send action starts
	var sent []string
	for _, a := range s.Timeline {
		switch a.Kind {
		case ActCheck:
			checks[a.Host] = append(checks[a.Host], a)
		case ActSend:
			senders[a.Host] = true
			if a.Mail != nil && !subjects[a.Mail.Subject] {
				subjects[a.Mail.Subject] = true
				sent = append(sent, a.Mail.Subject)
			}
		case ActWebmail: // a message written in Web Mail is sent too
			if a.Web != nil && a.Web.Do == "send" && !subjects[a.Web.Subject] {
				subjects[a.Web.Subject] = true
				sent = append(sent, a.Web.Subject)
			}
		}
	}
	for _, n := range noticeSubjects {
		subjects[n] = true
	}
	sort.Strings(sent)
	for _, e := range s.Expect {
		switch e.Kind {
		case ExpDownloaded:
			s.warnNoCheck(e, checks[e.Host])
		case ExpPath:
			if n := len(e.Hosts); n > 0 && s.PC(e.Hosts[n-1]) != nil && len(checks[e.Hosts[n-1]]) == 0 && !senders[e.Hosts[n-1]] {
				s.warnAt(e.Pos, "add e.g. - {at: 30s, check: "+e.Hosts[n-1]+"}",
					"the path ends at %s, which never checks mail, so this can never hold", e.Hosts[n-1])
			}
		}
		switch e.Kind {
		case ExpDelivered, ExpDownloaded, ExpPath, ExpBounced, ExpMailbox:
			if e.Subject != "" && !subjects[e.Subject] && !(e.Kind == ExpMailbox && e.Count == 0) {
				s.warnAt(e.Pos, didYouMean(e.Subject, sent), "no send in the timeline has subject %q, so this can never hold", e.Subject)
			}
		}
	}
}

// warnNoCheck warns about a download expectation whose PC never checks
// mail in its window.
func (s *Scenario) warnNoCheck(e Expectation, checks []Action) {
	if len(checks) == 0 {
		s.warnAt(e.Pos, fmt.Sprintf("add e.g. - {at: 30s, check: %s}", e.Host),
			"%s never checks mail (no check: %s in the timeline), so nothing is ever downloaded", e.Host, e.Host)
		return
	}
	by := e.By
	if by == 0 {
		by = s.Until
	}
	for _, c := range checks {
		if c.At <= by {
			return
		}
	}
	s.warnAt(e.Pos, "move the check earlier or by: later",
		"%s checks mail only after %s (by:), so this can never hold", e.Host, fmtDur(by))
}

func (s *Scenario) warnAt(p Pos, hint, format string, args ...any) {
	s.Warnings = append(s.Warnings, &Error{File: p.File, Line: p.Line, Col: p.Col, Msg: fmt.Sprintf(format, args...), Hint: hint})
}
