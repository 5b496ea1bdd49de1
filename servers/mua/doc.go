// Package mua is the mail program on a home PC (the seed's "Outlook
// Express"), with one user's account. It writes RFC 5322 messages (with
// RFC 2045 MIME headers), sends them over SMTP (RFC 5321, with AUTH PLAIN
// per RFC 4954 and RFC 4616 when the ISP requires it) through
// github.com/emersion/go-smtp's client, and fetches mail over POP3
// (RFC 1939, using UIDL to recognise messages it has already downloaded)
// with mailsim's own pop3 client.
//
// Everything the program needs from its host comes from env.Env: the
// clock for Date headers, the seeded random source for Message-IDs, Dial
// for connections, Deadline and WallDeadline (for go-smtp's deadlines)
// for the account's ServerTimeout (so a server that goes quiet ends
// Send/Recv with a timeout error, never a hang) and Logf for the trace.
package mua
