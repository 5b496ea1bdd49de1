package sim

import "runtime"

// slowGoid parses the goroutine id out of runtime.Stack's header line.
func slowGoid() int64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	const prefix = len("goroutine ")
	var id int64
	for i := prefix; i < n; i++ {
		c := buf[i]
		if c < '0' || c > '9' {
			break
		}
		id = id*10 + int64(c-'0')
	}
	return id
}

// liveGoroutines returns the ids of every goroutine in the process. It is
// slow (it stops the world) and only used when the kernel suspects that a
// goroutine it handed control to has exited.
func liveGoroutines() map[int64]bool {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	live := map[int64]bool{}
	const hdr = "goroutine "
	for i := 0; i+len(hdr) < len(buf); i++ {
		if (i == 0 || buf[i-1] == '\n') && string(buf[i:i+len(hdr)]) == hdr {
			var id int64
			j := i + len(hdr)
			for ; j < len(buf) && buf[j] >= '0' && buf[j] <= '9'; j++ {
				id = id*10 + int64(buf[j]-'0')
			}
			live[id] = true
			i = j
		}
	}
	return live
}
