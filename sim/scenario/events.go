package scenario

import "time"

// ActionKind names what a timeline action does.
type ActionKind string

// Timeline action kinds.
const (
	ActSend      ActionKind = "send"       // a PC's mail program sends a message
	ActCheck     ActionKind = "check"      // a PC's mail program checks mail (POP3 Send/Recv)
	ActLinkDown  ActionKind = "link_down"  // a link stops carrying packets
	ActLinkUp    ActionKind = "link_up"    // a link carries packets again
	ActStop      ActionKind = "stop"       // services on a server host stop listening
	ActStart     ActionKind = "start"      // services on a server host start again
	ActDNSAdd    ActionKind = "dns_add"    // a record is added to a zone
	ActDNSRemove ActionKind = "dns_remove" // matching records are removed from a zone
	ActWebmail   ActionKind = "webmail"    // a PC's browser uses an ISP's Web Mail
	ActSlow      ActionKind = "slow"       // a link is slower for a while, then as built again
)

// Action is one thing that happens at a virtual time.
type Action struct {
	At   time.Duration `json:"at"`
	Kind ActionKind    `json:"kind"`
	// Host is the PC for send and check, the server host for stop and
	// start, and the zone's DNS server host for dns_add and dns_remove.
	Host     string    `json:"host,omitempty"`
	Services []Service `json:"services,omitempty"` // stop/start: the services affected
	Mail     *Mail     `json:"mail,omitempty"`     // send
	Web      *WebVisit `json:"web,omitempty"`      // webmail
	A        string    `json:"a,omitempty"`        // link_down/link_up/slow: one end
	B        string    `json:"b,omitempty"`        // link_down/link_up/slow: the other end
	Slow     *LinkSlow `json:"slow,omitempty"`     // slow
	Zone     string    `json:"zone,omitempty"`     // dns_add/dns_remove: the zone (a domain)
	// Record is the record to add, or the pattern to remove: for
	// dns_remove an empty Value matches every value.
	Record *Record `json:"record,omitempty"`
	Pos    Pos     `json:"pos"`
}

// LinkSlow is how a link behaves during a slow window: every value is
// the one for the window, the link's own where the file gives none.
type LinkSlow struct {
	For       time.Duration `json:"for"`              // how long, from at:
	Latency   time.Duration `json:"latency"`          // one-way, at least the link's own
	Bandwidth int64         `json:"bandwidth"`        // bits per second, each direction
	Loss      float64       `json:"loss,omitempty"`   // percent of packets lost
	Jitter    time.Duration `json:"jitter,omitempty"` // up to this much extra delay per packet
}

// Mail is a message a mail program sends.
type Mail struct {
	From    string   `json:"from"`
	To      []string `json:"to"`
	Subject string   `json:"subject"`
	Body    string   `json:"body"`
	// Via is the SMTP server host the message is submitted to; it is the
	// sending PC's SMTP server unless the action names another.
	Via string `json:"via"`
	// Disconnect, when DisconnectMidData, makes the mail program drop
	// the connection halfway through the message: the server must not
	// keep the half, and the message stays in the outbox.
	Disconnect string `json:"disconnect,omitempty"`
}

// DisconnectMidData is the one value of a send's disconnect:.
const DisconnectMidData = "mid_data"

// WebVisit is one sitting at Web Mail: log in, do one thing, log out.
type WebVisit struct {
	Server   string   `json:"server"`   // the Web Mail host (the user's ISP's http host)
	User     string   `json:"user"`     // the user's address
	Login    string   `json:"login"`    // what the user types as user name
	Password string   `json:"password"` // what the user types as password (default: the right one)
	Do       string   `json:"do"`       // "inbox", "read", "send" or "delete"
	Subject  string   `json:"subject,omitempty"`
	To       []string `json:"to,omitempty"`
	Body     string   `json:"body,omitempty"`
}

// ExpectKind names what an expectation checks.
type ExpectKind string

// Expectation kinds.
const (
	ExpDelivered  ExpectKind = "delivered"  // a message was stored in a mailbox
	ExpDownloaded ExpectKind = "downloaded" // a PC's mail program downloaded a message
	ExpBounced    ExpectKind = "bounced"    // a bounce (DSN) reached the sender's mailbox
	ExpSMTPReply  ExpectKind = "smtp_reply" // an SMTP server sent a reply code
	ExpPOP3Reply  ExpectKind = "pop3_reply" // a POP3 server sent +OK or -ERR
	ExpPath       ExpectKind = "path"       // a message passed through hosts in order
	ExpMailbox    ExpectKind = "mailbox"    // a mailbox holds exactly Count messages at time At
	ExpHTTPReply  ExpectKind = "http_reply" // Web Mail answered a request with a status
	ExpIMAPReply  ExpectKind = "imap_reply" // an IMAP server answered OK, NO, BAD or BYE
	ExpSeen       ExpectKind = "seen"       // a message in a mailbox is flagged \Seen at time At
)

// Expectation is one check made on a run. Event expectations hold when
// a matching event happens at a time t with After <= t <= By; empty
// string fields match anything.
type Expectation struct {
	Kind  ExpectKind    `json:"kind"`
	By    time.Duration `json:"by"`    // deadline; 0 when not given: the end of the run
	After time.Duration `json:"after"` // the event must not happen earlier
	At    time.Duration `json:"at"`    // mailbox, seen: when the mailbox is inspected (default: the end)

	Subject string `json:"subject,omitempty"` // message subject, exact
	From    string `json:"from,omitempty"`    // message sender address

	To    string `json:"to,omitempty"`    // delivered/mailbox: the mailbox address
	ISP   string `json:"isp,omitempty"`   // delivered/mailbox/bounced: ISP holding the mailbox
	Login string `json:"login,omitempty"` // delivered/mailbox/bounced: mailbox login
	Host  string `json:"host,omitempty"`  // downloaded: the PC

	Sender    string `json:"sender,omitempty"`    // bounced: who gets the bounce
	Recipient string `json:"recipient,omitempty"` // bounced: the failed recipient
	Status    string `json:"status,omitempty"`    // bounced: RFC 3463 status, e.g. 5.1.1

	Code     int    `json:"code,omitempty"`     // smtp_reply: e.g. 554; http_reply: e.g. 200
	Enhanced string `json:"enhanced,omitempty"` // smtp_reply: enhanced code, e.g. 5.7.1
	// Line is which line of a multi-line SMTP reply may match: 0 the
	// last (line: last, the default), -1 any (line: any), N the Nth.
	Line   int    `json:"line,omitempty"`
	Reply  string `json:"reply,omitempty"`  // pop3_reply: +OK or -ERR; imap_reply: OK, NO, BAD or BYE
	Path   string `json:"path,omitempty"`   // http_reply: the request's path, e.g. /inbox
	Text   string `json:"text,omitempty"`   // smtp_reply/pop3_reply: substring of the reply text
	Server string `json:"server,omitempty"` // smtp_reply/pop3_reply: the replying host
	Client string `json:"client,omitempty"` // smtp_reply/pop3_reply: the host it replied to

	Hosts []string `json:"hosts,omitempty"` // path: hosts visited in this order (gaps allowed)
	Count int      `json:"count"`           // mailbox: exact number of messages
	Seen  bool     `json:"seen,omitempty"`  // seen: whether the message must be flagged \Seen (default true)

	Pos Pos `json:"pos"`
}
