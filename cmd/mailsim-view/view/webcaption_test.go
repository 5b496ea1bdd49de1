package view

import (
	"strings"
	"testing"
)

// TestWebMailCaptions: the browser, Web Mail and the IMAP server are
// named by the roles the service table gives them.
func TestWebMailCaptions(t *testing.T) {
	all := allCaptions(t, "web-mail.yaml")
	for _, want := range []string{
		"Bob's browser asks comentum's Web Mail for the inbox (HTTP GET /inbox, port 80).",
		"Bob's browser asks comentum's Web Mail for a message (HTTP GET /read?uid=1, port 80).",
		"comentum's Web Mail sends the page (200 OK).",
		"comentum's Web Mail logs in to comentum's IMAP server on TCP port 143.",
		"comentum's Web Mail asks comentum's IMAP server for the list of messages: who from, what about (port 143).",
		"comentum's Web Mail asks comentum's IMAP server for a whole message (port 143); the copy on the server stays.",
		"comentum's IMAP server refuses: [AUTHENTICATIONFAILED] Authentication failed",
		"comentum's Web Mail refuses (403 Forbidden).",
		"Bob's mail program downloads message 1 over port 110.",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no caption %q in:\n%s", want, all)
		}
	}
}
