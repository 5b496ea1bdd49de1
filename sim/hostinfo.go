package sim

// UDPSockets is how many UDP sockets are open on the host: a bridge
// that opens one per real client must also close them (serve's DNS).
func (h *Host) UDPSockets() int {
	h.w.mu.Lock()
	defer h.w.mu.Unlock()
	return len(h.udp)
}
