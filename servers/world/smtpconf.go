package world

import (
	"mailsim/servers/smtp"
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
