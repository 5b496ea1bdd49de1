// Package smtp is an ISP's mail server (MTA) built on go-smtp.
//
// It accepts mail from the ISP's own users (clients inside its networks or
// authenticated with AUTH PLAIN/LOGIN) for any destination and from other
// servers only for its own and hosted domains, checks both addresses,
// stamps a trace header, delivers local mail into the store (or over LMTP
// to a separate POP3 host) and relays the rest through an outbound queue
// that looks up MX records, retries with backoff in virtual time and
// bounces what it cannot deliver.
//
// Standards followed:
//   - RFC 5321 (SMTP): commands, reply codes, implicit MX (§5.1), trace
//     fields (§4.4), line and hop limits (§4.5.3, §6.3), the reserved
//     <postmaster> recipient (§4.5.1) and server timeouts (§4.5.3.2).
//   - RFC 3030 (CHUNKING), only so far as to leave BDAT data untouched.
//   - RFC 5322 (message format): Date, Message-ID, header folding.
//   - RFC 3463 (enhanced status codes) and RFC 2034 (ENHANCEDSTATUSCODES).
//   - RFC 4954 (AUTH) with RFC 4616 PLAIN and the LOGIN mechanism.
//   - RFC 3464 and RFC 6522 (delivery status notifications, bounces).
//   - RFC 2033 (LMTP) between the MTA and the POP3 host's store.
//   - RFC 7505 (null MX) and RFC 3848 (ESMTPA in Received).
package smtp
