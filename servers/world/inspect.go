package world

import (
	"mailsim/servers/dns"
	"mailsim/servers/smtp"
)

// SMTPQueue lists the messages waiting in the outbound queue of the SMTP
// server on host, for an inspector.
func (rt *Runtime) SMTPQueue(host string) []smtp.QueuedMessage {
	if hs := rt.services[host]; hs != nil && hs.smtp != nil {
		return hs.smtp.Queue()
	}
	return nil
}

// DNSRecords lists the records a DNS server host is authoritative for,
// as they are now (the timeline may have added or removed some).
func (rt *Runtime) DNSRecords(host string) []dns.Record {
	if hs := rt.services[host]; hs != nil && hs.zones != nil {
		return hs.zones.Records()
	}
	return nil
}

// DNSCache lists a resolver's cache, with the time each entry has left.
func (rt *Runtime) DNSCache(host string) []dns.CacheEntry {
	if hs := rt.services[host]; hs != nil && hs.resolv != nil {
		return hs.resolv.CacheEntries()
	}
	return nil
}
