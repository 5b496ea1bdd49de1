package sim

// UDPSockets is how many UDP sockets are open on the host: a bridge
// that opens one per real client must also close them (serve's DNS).
func (h *Host) UDPSockets() int {
	h.w.mu.Lock()
	defer h.w.mu.Unlock()
	return len(h.udp)
}

// TCPBuffered is how many bytes h's TCP connections hold in the
// simulation: written and not yet sent, plus sent and not yet read by the
// peer (in flight or in its receive buffer). Flow control bounds it by
// the window per connection.
func (h *Host) TCPBuffered() int {
	h.w.mu.Lock()
	defer h.w.mu.Unlock()
	n := 0
	for _, c := range h.tcp {
		n += len(c.unsent) + c.out
	}
	return n
}
