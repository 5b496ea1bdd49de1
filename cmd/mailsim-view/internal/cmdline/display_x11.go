//go:build (linux && !android) || freebsd || netbsd || openbsd || dragonfly

package cmdline

import (
	"cmp"
	"net"
	"strconv"
	"strings"
	"time"
)

// On these systems ebiten's GLFW speaks X11 only (internal/glfw is built
// with _GLFW_X11), so the window needs DISPLAY, even under Wayland.
func checkDisplay(getenv func(string) string) error {
	d := getenv("DISPLAY")
	if d == "" {
		if getenv("WAYLAND_DISPLAY") != "" {
			return errNoDisplay("DISPLAY is not set (WAYLAND_DISPLAY is, but the window speaks X11 only: start XWayland, which sets DISPLAY)")
		}
		return errNoDisplay("DISPLAY is not set")
	}
	addrs := displayAddrs(d)
	if len(addrs) == 0 {
		return nil // a form we do not know: let X try it
	}
	var first error // the socket's, for local displays: the telling one
	for _, a := range addrs {
		c, err := net.DialTimeout(a[0], a[1], 2*time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		if first == nil || a[1][0] == '/' {
			first = err
		}
	}
	return errNoDisplay("cannot reach DISPLAY=%s (%v)", d, first)
}

// displayAddrs lists where the X server of display name d listens, in
// the order libxcb tries them: [protocol/][host]:N[.screen] is TCP port
// 6000+N on host, or with no host the socket /tmp/.X11-unix/XN (first
// its Linux abstract twin), then TCP on localhost. It is empty for forms
// it does not know, such as XQuartz's socket paths.
func displayAddrs(d string) [][2]string {
	proto := ""
	if i := strings.Index(d, "/"); i > 0 {
		proto, d = d[:i], d[i+1:]
	}
	i := strings.LastIndex(d, ":")
	if i < 0 || strings.HasPrefix(d, "/") || strings.HasSuffix(d[:i], ":") { // path, or DECnet host::N
		return nil
	}
	num, _, _ := strings.Cut(d[i+1:], ".")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || n > 59535 {
		return nil
	}
	tcp := func(h string) [2]string { return [2]string{"tcp", net.JoinHostPort(h, strconv.Itoa(6000+n))} }
	host := d[:i]
	if proto != "unix" && (proto != "" || host != "" && host != "unix") {
		return [][2]string{tcp(cmp.Or(host, "localhost"))}
	}
	sock := "/tmp/.X11-unix/X" + num
	addrs := [][2]string{{"unix", "@" + sock}, {"unix", sock}}
	if proto == "" && host == "" {
		addrs = append(addrs, tcp("localhost"))
	}
	return addrs
}
