package scenario

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ParseDuration is time.ParseDuration with a day unit in front: "1d",
// "1d12h", "1.5d", as well as "20s" or "1m30s". Days are 24 hours of
// virtual time.
func ParseDuration(s string) (time.Duration, error) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	if i == 0 || i == len(s) || s[i] != 'd' {
		return time.ParseDuration(s)
	}
	days, err := strconv.ParseFloat(s[:i], 64)
	if err != nil || days > 100000 {
		return 0, fmt.Errorf("time: invalid duration %q", s)
	}
	d := time.Duration(days * float64(24*time.Hour))
	if rest := s[i+1:]; rest != "" {
		r, err := time.ParseDuration(rest)
		if err != nil || r < 0 || strings.HasPrefix(rest, "+") {
			return 0, fmt.Errorf("time: invalid duration %q", s)
		}
		d += r
	}
	return d, nil
}

// FormatDuration writes a duration as a scenario would: "30s", "1m30s",
// "2h", "1d", "1d12h".
func FormatDuration(d time.Duration) string {
	prefix := ""
	if day := 24 * time.Hour; d >= day {
		prefix = strconv.FormatInt(int64(d/day), 10) + "d"
		d %= day
		if d == 0 {
			return prefix
		}
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return prefix + s
}
