package sim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// HumanTime writes a virtual time or a duration the way people read it:
// "0s", "0.07s", "30s", "1m 05.5s", "10m", "2h 03m 04s", "1d 02:03:04".
func HumanTime(d time.Duration) string {
	neg := ""
	if d < 0 {
		neg, d = "-", -d
	}
	switch {
	case d < time.Minute:
		return neg + seconds(d)
	case d < time.Hour:
		m := d / time.Minute
		if d%time.Minute == 0 {
			return fmt.Sprintf("%s%dm", neg, m)
		}
		s := seconds(d - m*time.Minute)
		if len(s) < 3 || s[1] == '.' || s[1] == 's' { // one digit before the point
			s = "0" + s
		}
		return fmt.Sprintf("%s%dm %s", neg, m, s)
	}
	d = d.Round(time.Second)
	days, rest := d/(24*time.Hour), d%(24*time.Hour)
	h, m, s := rest/time.Hour, rest%time.Hour/time.Minute, rest%time.Minute/time.Second
	switch {
	case days == 0 && m == 0 && s == 0:
		return fmt.Sprintf("%s%dh", neg, h)
	case days == 0 && s == 0:
		return fmt.Sprintf("%s%dh %02dm", neg, h, m)
	case days > 0 && rest == 0:
		return fmt.Sprintf("%s%dd", neg, days)
	}
	if days == 0 {
		return fmt.Sprintf("%s%dh %02dm %02ds", neg, h, m, s)
	}
	return fmt.Sprintf("%s%dd %02d:%02d:%02d", neg, days, h, m, s)
}

// seconds is d (under a minute) in seconds with at most two decimals,
// three below 10ms so that a few milliseconds do not read as nothing.
func seconds(d time.Duration) string {
	prec := 2
	if d > 0 && d < 10*time.Millisecond {
		prec = 3
	}
	s := strconv.FormatFloat(d.Seconds(), 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s + "s"
}
