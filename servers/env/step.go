package env

import "time"

// StepKind names a step of a message's journey.
type StepKind string

// The steps servers and the mail program report.
const (
	StepComposed   StepKind = "composed"   // the mail program wrote it (outbox)
	StepAccepted   StepKind = "accepted"   // an SMTP server took it (end of DATA) and queued it
	StepRefused    StepKind = "refused"    // a server refused it: the sender got the reply
	StepMX         StepKind = "mx"         // an SMTP server looked up where the domain's mail goes
	StepLookup     StepKind = "lookup"     // a mail program looked up its server's address
	StepDeferred   StepKind = "deferred"   // a delivery attempt failed for now; retried later
	StepRetry      StepKind = "retry"      // a new delivery attempt after a deferral
	StepHanded     StepKind = "handed"     // the SMTP server handed it over by LMTP
	StepStored     StepKind = "stored"     // it landed in a mailbox
	StepDownloaded StepKind = "downloaded" // a mail program downloaded it over POP3
	StepDeleted    StepKind = "deleted"    // deleted from the server at QUIT
	StepLeft       StepKind = "left"       // left on the server at QUIT
	StepRead       StepKind = "read"       // read in Web Mail: shown in a browser, left on the server
	StepBounced    StepKind = "bounced"    // given up: a bounce goes back to the sender
	StepDelayed    StepKind = "delayed"    // still queued: a delay warning goes back to the sender
)

// Step is one thing that happened to a message, as the server or
// program it happened in reports it. The world layer turns steps into
// journeys; servers only describe what they did.
type Step struct {
	Kind StepKind
	// MessageID is the message's Message-ID header, with its angle
	// brackets, when the reporter has the message in hand.
	MessageID string
	// QueueID is the reporting server's queue id for it, if any.
	QueueID string
	// From and To are the hosts of a transfer, as addresses or names
	// ("198.51.100.100", "smtp.comentum.com:25"); empty for steps on
	// one host.
	From, To string
	// Proto is the protocol of the step: "smtp", "lmtp", "pop3", "dns".
	Proto string
	// Reply is the reply that decided it: "250 2.0.0 Ok: queued as 0D5A4C2735",
	// "+OK 732 octets", "MX 10 smtp.comentum.com".
	Reply string
	// Detail says more: the error of a deferral, a mailbox name.
	Detail string
	// Rcpts are the recipients concerned.
	Rcpts []string
	// Subject, Sender: set at composition.
	Subject, Sender string
	// Retry is the wait before the next attempt (deferred).
	Retry time.Duration
	// Bounce is the Message-ID of the bounce (bounced), BounceQueueID its queue id.
	Bounce, BounceQueueID string
}

// StepFunc receives steps. It is called on the reporter's goroutine and
// must not block on the network.
type StepFunc func(Step)

// Report calls f if it is set.
func (f StepFunc) Report(s Step) {
	if f != nil {
		f(s)
	}
}
