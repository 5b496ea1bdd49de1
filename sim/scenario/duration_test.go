package scenario

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want time.Duration
	}{
		{"1d", 24 * time.Hour},
		{"1d12h", 36 * time.Hour},
		{"1.5d", 36 * time.Hour},
		{"2d30m", 48*time.Hour + 30*time.Minute},
		{"20s", 20 * time.Second},
		{"1m30s", 90 * time.Second},
	} {
		got, err := ParseDuration(tc.s)
		if err != nil || got != tc.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tc.s, got, err, tc.want)
		}
		if tc.s != "1.5d" && FormatDuration(got) != tc.s {
			t.Errorf("FormatDuration(%v) = %q, want %q", got, FormatDuration(got), tc.s)
		}
	}
	for _, s := range []string{"d", "1dd", "1d-5s", "1d+5s", "soon", "1x", ""} {
		if _, err := ParseDuration(s); err == nil {
			t.Errorf("ParseDuration(%q) succeeded", s)
		}
	}
}
