// Package webmail is an ISP's Web Mail, a real web application in the
// manner of Roundcube: browsers talk HTTP/1.1 (RFC 9112) to it on port 80,
// and for every page it opens its own connections to the ISP's servers,
// reading the mailbox over IMAP (port 143) and sending over submission
// (port 587, with AUTH). Mail stays on the server unless the user deletes
// it. It also holds the browser the simulation's users drive.
//
// Vetting net/http against the simulation's rules: http.Server starts a
// background read per connection while a handler runs and stops it by
// waiting on a sync.Cond for that goroutine, and http.Transport hands
// every request and response between the caller and its read and write
// loops over plain channels. Both hand-offs are invisible to the kernel
// (the world stalls). So Serve reads requests with http.ReadRequest and
// writes responses with http.Response.Write in the connection's own
// goroutine, as servers/dns does for miekg/dns, and Browser writes
// requests and reads responses in the caller's goroutine. Handlers,
// html/template, cookies and forms are net/http's own.
package webmail
