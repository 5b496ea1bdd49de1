package main

import "testing"

func TestGCPace(t *testing.T) {
	for live, want := range map[uint64]int{0: 150, 100 << 20: 150, 1 << 30: 150, 1100 << 20: 130, 1300 << 20: 110, 1600 << 20: 100, 4 << 30: 100} {
		if got := gcPace(live); got != want {
			t.Errorf("gcPace(%d MiB) = %d, want %d", live>>20, got, want)
		}
	}
}
