package world

import (
	"mailsim/servers/mua"
	"mailsim/servers/webmail"
	"mailsim/sim/scenario"
)

// webVisit plays a webmail action: the PC's browser logs in to Web Mail,
// does one thing and logs out, over real HTTP on the simulated network.
func (rt *Runtime) webVisit(a *scenario.Action) {
	h := rt.hosts[a.Host]
	v := a.Web
	who := mua.DisplayName(v.User)
	h.Logf("%s opens %s's Web Mail in the browser (%s)", who, rt.Scenario.Host(v.Server).ISP, v.Do)
	b := webmail.NewBrowser(h, 0)
	b.Hosts = rt.hostCache(a.Host)
	out, err := b.Run(webmail.Visit{
		Base: "http://" + v.Server, User: v.Login, Password: v.Password,
		Do: v.Do, Subject: v.Subject, To: v.To, Body: v.Body,
	})
	if err != nil {
		h.Logf("%s's Web Mail visit failed: %v", who, err)
		return
	}
	switch v.Do {
	case "read":
		h.Logf("%s read %q in Web Mail; it stays on the server", who, out.Subject)
	case "delete":
		h.Logf("%s deleted %q in Web Mail", who, out.Subject)
	case "send":
		h.Logf("%s sent %q from Web Mail", who, out.Subject)
	default:
		h.Logf("%s's Web Mail inbox lists %d message(s)", who, out.Inbox)
	}
}
