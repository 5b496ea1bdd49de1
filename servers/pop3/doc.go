// Package pop3 is a POP3 server and client: RFC 1939 (Post Office
// Protocol version 3), RFC 2449 (the CAPA command, response codes and the
// 512-octet command line limit) and RFC 3206 (the AUTH and SYS response
// codes, alongside RFC 2449's IN-USE).
//
// The server is shaped like github.com/emersion/go-smtp: a Server owns the
// listeners and connections, an unexported conn runs one connection's
// AUTHORIZATION → TRANSACTION → UPDATE state machine, and a Backend with
// its Session holds the policy (NewStoreBackend puts it on servers/store).
// Messages marked with DELE are removed only in the UPDATE state, that is
// after QUIT; a connection that drops without QUIT deletes nothing.
//
// The server's autologout timer (RFC 1939 section 3, Server.IdleTimeout,
// 10 minutes by default, taken from Server.Env's clock) ends a session
// whose client sends nothing, or reads nothing of a reply, for that long:
// the maildrop is unlocked without entering UPDATE and the connection
// closed, after "-ERR Disconnected for inactivity." as Dovecot says it.
//
// The client (NewClient) speaks the same commands and tolerates a garbled
// or malicious server: every line it reads is bounded, and every reply it
// cannot parse is an error, never a panic. NewClientTimeout adds a server
// timeout, so a server that goes quiet yields an error, never a hang.
package pop3
