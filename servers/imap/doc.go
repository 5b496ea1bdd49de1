// Package imap is the ISP's IMAP server (RFC 3501, IMAP4rev1) and the
// small IMAP client the mail program and Web Mail use.
//
// The server is go-imap's imapserver over the ISP's mail store: the same
// mailboxes POP3 serves, with the flags (\Seen, \Deleted) kept in the
// store, so every program sees the same ones. Each mailbox has one
// folder, INBOX.
//
// Vetting go-imap v2.0.0-beta.8 against the simulation's rules (one
// goroutine runs at a time, hand-offs go through sim primitives):
//
//   - imapserver runs one goroutine per connection (`go conn.serve()`),
//     as go-smtp does; the sim conn adopts it, and every command runs in
//     it. Its deadlines are time.Now()+d, which sim conns turn into
//     virtual time (sim/wallclock.go).
//   - Its IDLE starts a goroutine that calls Session.Idle and hands the
//     result back over a plain channel, and it would push updates from a
//     store change on another goroutine: hand-offs the kernel cannot see.
//     So IDLE is not advertised, and Session.Idle only waits for DONE
//     (the goroutine touches nothing simulated). Clients poll instead.
//   - imapclient reads every response in a goroutine of its own and hands
//     it to the caller over plain channels, with wall-clock timers: the
//     caller blocks on a channel the kernel cannot see, and the world
//     stalls. So the simulated programs use Client (client.go), which
//     reads in the caller's goroutine; imapclient is used only in the
//     tests over real loopback sockets, as a third-party client.
package imap
