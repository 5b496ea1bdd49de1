package main

import "testing"

func TestGCPace(t *testing.T) {
	for live, want := range map[uint64]int{0: 200, 100 << 20: 200, 256 << 20: 200, 384 << 20: 130, 512 << 20: 100, 4 << 30: 100} {
		if got := gcPace(live); got != want {
			t.Errorf("gcPace(%d MiB) = %d, want %d", live>>20, got, want)
		}
	}
}
