package smtp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"mailsim/servers/env"
	"mailsim/servers/store"
)

// Resolver is the DNS the MTA needs: MX records and host addresses.
// Errors are *net.DNSError: IsNotFound means the name (or the record
// type) does not exist, IsTemporary means try again later.
type Resolver interface {
	LookupMX(ctx context.Context, domain string) ([]*net.MX, error)
	LookupHost(ctx context.Context, host string) ([]string, error)
}

// Defaults for the zero values of Config.
const (
	DefaultRemotePort      = 25
	DefaultRetryInitial    = time.Minute
	DefaultRetryMax        = 15 * time.Minute
	DefaultLifetime        = 2 * time.Hour
	DefaultMaxMessageBytes = 10 << 20
	DefaultMaxRecipients   = 100
	// DefaultMaxHops is the Received count past which a message is
	// considered looping (RFC 5321 §6.3; Postfix uses 50 too).
	DefaultMaxHops = 50
	// DefaultIdleTimeout is how long the server waits for a command
	// (RFC 5321 §4.5.3.2.7: at least 5 minutes).
	DefaultIdleTimeout = 5 * time.Minute
	// DefaultDataTimeout is how long a whole DATA transfer may take,
	// after the 354 reply (RFC 5321 §4.5.3.2.6 gives the client 10
	// minutes for the end of DATA).
	DefaultDataTimeout = 10 * time.Minute
)

// Config describes one ISP's mail server. It is plain data, so a
// scenario loader can fill it.
type Config struct {
	// Hostname is the server's name, as in the greeting and Received
	// header, e.g. "smtp.comentum.com".
	Hostname string
	// Domains are the local and hosted mail domains, e.g. comentum.com
	// and hiscompany.com. Matching is case-insensitive.
	Domains []string
	// Mailboxes maps a full recipient address to a mailbox name in the
	// store, e.g. "bob@comentum.com" → "bob". The domain part is matched
	// case-insensitively.
	Mailboxes map[string]string
	// Postmaster is the mailbox (a store name) that gets mail for
	// postmaster and <postmaster> (RFC 5321 §4.5.1) when Mailboxes has no
	// entry for the postmaster address used. Default: the mailbox of
	// postmaster@<first domain> if Mailboxes has it, else the mailbox of
	// the alphabetically first address in Mailboxes.
	Postmaster string
	// RelayFor are domains this server is a backup MX for: their mail
	// is taken from anyone, queued and forwarded to a better MX.
	RelayFor []string
	// LocalNets is the ISP's own network; clients from there may relay.
	LocalNets []netip.Prefix
	// Store receives local mail, and is the password database for AUTH.
	Store *store.Store
	// LMTPAddr, if set ("host:24"), is where local mail goes instead of
	// Store: the POP3 host's LMTP server.
	LMTPAddr string
	// Resolver finds MX and A records for outbound mail and sender checks.
	Resolver Resolver
	// RemotePort is the port other MTAs listen on (default 25).
	RemotePort int
	// RetryInitial is the first retry delay; each later one doubles, up
	// to RetryMax (defaults 1m and 15m).
	RetryInitial time.Duration
	RetryMax     time.Duration
	// Lifetime is how long a message may stay queued before it is
	// bounced (default 2h).
	Lifetime time.Duration
	// WarnAfter, if set, is how long a message may wait before its
	// sender gets one delay notification (Postfix's delay_warning_time).
	WarnAfter time.Duration
	// MaxMessageBytes and MaxRecipients limit one transaction (defaults
	// 10 MiB and 100).
	MaxMessageBytes int64
	MaxRecipients   int
	// IdleTimeout is how long the server waits for a client's next
	// command before it says 421 and hangs up (default 5m); it also
	// bounds writing one reply. DataTimeout bounds a whole DATA
	// transfer (default 10m, never less than IdleTimeout).
	IdleTimeout time.Duration
	DataTimeout time.Duration
	// Env is the host the server runs on.
	Env env.Env
	// Track, if set, is told each step of a message's journey here:
	// accepted, MX looked up, deferred, retried, bounced.
	Track env.StepFunc
}

// withDefaults validates c and fills in its zero values.
func (c Config) withDefaults() (Config, error) {
	var errs []error
	if c.Env == nil {
		errs = append(errs, errors.New("an Env is required"))
	}
	if c.Hostname == "" {
		errs = append(errs, errors.New("Hostname is required"))
	}
	if c.Resolver == nil {
		errs = append(errs, errors.New("Resolver is required"))
	}
	if len(c.Domains) > 0 && c.Store == nil && c.LMTPAddr == "" {
		errs = append(errs, errors.New("local domains need a Store or an LMTPAddr"))
	}
	if c.LMTPAddr != "" {
		if _, _, err := net.SplitHostPort(c.LMTPAddr); err != nil {
			errs = append(errs, fmt.Errorf("LMTPAddr: %w", err))
		}
	}
	for _, d := range c.Domains {
		if !validDomain(normDomain(d)) {
			errs = append(errs, fmt.Errorf("domain %q is not a valid domain name", d))
		}
	}
	for addr, box := range c.Mailboxes {
		a, err := parseAddress(addr)
		if err != nil {
			errs = append(errs, fmt.Errorf("mailbox address %q: %w", addr, err))
			continue
		}
		if box == "" {
			errs = append(errs, fmt.Errorf("mailbox address %q: empty mailbox name", addr))
		}
		found := false
		for _, d := range c.Domains {
			found = found || normDomain(d) == a.Domain
		}
		if !found {
			errs = append(errs, fmt.Errorf("mailbox address %q: domain is not in Domains", addr))
		}
	}
	if c.Postmaster != "" && len(c.Domains) == 0 {
		errs = append(errs, errors.New("a Postmaster needs a local domain"))
	}
	if c.RemotePort < 0 || c.RemotePort > 65535 {
		errs = append(errs, fmt.Errorf("RemotePort %d out of range", c.RemotePort))
	}
	if err := errors.Join(errs...); err != nil {
		return c, fmt.Errorf("smtp config: %w", err)
	}
	if c.RemotePort == 0 {
		c.RemotePort = DefaultRemotePort
	}
	if c.RetryInitial <= 0 {
		c.RetryInitial = DefaultRetryInitial
	}
	if c.RetryMax <= 0 {
		c.RetryMax = DefaultRetryMax
	}
	if c.RetryMax < c.RetryInitial {
		c.RetryMax = c.RetryInitial
	}
	if c.Lifetime <= 0 {
		c.Lifetime = DefaultLifetime
	}
	if c.MaxMessageBytes <= 0 {
		c.MaxMessageBytes = DefaultMaxMessageBytes
	}
	if c.MaxRecipients <= 0 {
		c.MaxRecipients = DefaultMaxRecipients
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.DataTimeout <= 0 {
		c.DataTimeout = DefaultDataTimeout
	}
	if c.DataTimeout < c.IdleTimeout {
		c.DataTimeout = c.IdleTimeout
	}
	return c, nil
}

// normDomain lower-cases a domain and drops a trailing root dot.
func normDomain(d string) string {
	return strings.TrimSuffix(strings.ToLower(d), ".")
}
