package sim

import (
	"testing"
	"time"
)

func TestHumanTime(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{5 * time.Millisecond, "0.005s"},
		{72668 * time.Microsecond, "0.07s"},
		{30 * time.Second, "30s"},
		{30*time.Second + 72*time.Millisecond, "30.07s"},
		{65*time.Second + 500*time.Millisecond, "1m 05.5s"},
		{2 * time.Minute, "2m"},
		{2 * time.Hour, "2h"},
		{24 * time.Hour, "1d"},
		{2*time.Hour + 3*time.Minute + 4*time.Second, "2h 03m 04s"},
		{26*time.Hour + 3*time.Minute + 4*time.Second, "1d 02:03:04"},
		{86400*time.Second + 72668*time.Microsecond, "1d"},
	} {
		if got := HumanTime(tc.d); got != tc.want {
			t.Errorf("HumanTime(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}
