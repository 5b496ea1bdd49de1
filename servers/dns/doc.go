// Package dns is the Domain Name System of the simulated Internet, built on
// github.com/miekg/dns for the wire format:
//
//   - Authoritative answers for configured zones (RFC 1034 §4.3.2,
//     RFC 1035): AA answers, NXDOMAIN and NODATA with the SOA in the
//     authority section for negative caching (RFC 2308), referrals with
//     glue for delegated subzones, REFUSED for zones it does not serve,
//     FORMERR and NOTIMP for what it cannot parse or does not implement.
//   - Resolver is an iterative, caching resolver (RFC 1034 §5.3.3): it walks
//     down from the root servers following referrals, chases CNAMEs, caches
//     answers and negative answers by TTL on the Env's virtual clock, and
//     retries over TCP when a UDP reply is truncated (RFC 7766).
//   - Server combines both on an ISP's name server host.
//   - ServeUDP and ServeTCP are the transport loops (RFC 1035 §4.2). They
//     call the handler in the reading goroutine, unlike mdns.Server, which
//     starts a goroutine per packet and would break the simulator's
//     determinism. UDP replies are truncated to 512 bytes or the EDNS0 size
//     (RFC 6891) with TC set.
//   - Service runs the loops for one handler on several sockets and
//     stops them: its Close waits for the connection goroutines.
//   - Client is the stub resolver used by the SMTP server for MX and A
//     lookups (RFC 5321 §5.1), returning *net.DNSError like package net.
//
// Every clock reading, sleep, dial and random number goes through env.Env.
package dns
