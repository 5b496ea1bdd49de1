package smtp

import (
	gosmtp "github.com/emersion/go-smtp"
)

// Dovecot's words, for the LMTP server on the POP3 host: Dovecot's LMTP
// is what usually stands there behind Postfix.
var dovecotTexts = []textRewrite{
	text("220 {word} LMTP Service Ready\r\n", "220 $1 Dovecot ready.\r\n"),
	firstLine("250-Hello {text}\r\n", "250-{host}\r\n"),
	text("250 2.0.0 Roger, accepting mail from <{text}>\r\n", "250 2.1.0 OK\r\n"),
	text("250 2.0.0 I'll make sure <{text}> gets this\r\n", "250 2.1.5 OK\r\n"),
	text("354 Go ahead. End your data with <CR><LF>.<CR><LF>\r\n", "354 OK\r\n"),
	text("250 2.0.0 Session reset\r\n", "250 2.0.0 OK\r\n"),
	text("250 2.0.0 I have successfully done nothing\r\n", "250 2.0.0 OK\r\n"),
}

// lmtpSaved is the status of each recipient once the message is in its
// mailbox, which go-smtp writes after "<rcpt> " as Dovecot does:
// "250 2.0.0 <bob@comentum.com> L000000001 Saved".
func lmtpSaved(id string) *gosmtp.SMTPError {
	return &gosmtp.SMTPError{Code: 250, EnhancedCode: gosmtp.EnhancedCode{2, 0, 0}, Message: id + " Saved"}
}
