//go:build !((linux && !android) || freebsd || netbsd || openbsd || dragonfly)

package cmdline

// Elsewhere (Windows, macOS, the browser) the window needs no DISPLAY.
func checkDisplay(func(string) string) error { return nil }
