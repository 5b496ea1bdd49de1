package world

import (
	"mailsim/servers/smtp"
	"mailsim/sim"
	"mailsim/sim/scenario"
)

// smtpQueueLimits copies a scenario SMTP host's queue timing and limits
// into its server's configuration.
func smtpQueueLimits(cfg *smtp.Config, ms scenario.SMTPServer) {
	cfg.RetryInitial = ms.Queue.Retry
	cfg.RetryMax = ms.Queue.MaxRetry
	cfg.Lifetime = ms.Queue.Lifetime
	cfg.WarnAfter = ms.Queue.WarnAfter
	cfg.MaxMessageBytes = ms.Limits.MaxSize
	cfg.MaxRecipients = ms.Limits.MaxRecipients
}

// linkBehaviours are the faults a scenario gives a link.
func linkBehaviours(l scenario.Link) []sim.LinkBehaviour {
	var bs []sim.LinkBehaviour
	if l.Loss > 0 {
		bs = append(bs, sim.Loss(l.Loss/100))
	}
	if l.Jitter > 0 {
		bs = append(bs, sim.Jitter(l.Jitter))
	}
	return bs
}
