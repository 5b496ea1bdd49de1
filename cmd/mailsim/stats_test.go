package main

import "testing"

func TestGCPace(t *testing.T) {
	for live, want := range map[uint64]int{0: 170, 100 << 20: 170, 1 << 30: 170, 1200 << 20: 140, 1500 << 20: 110, 1800 << 20: 100, 4 << 30: 100} {
		if got := gcPace(live); got != want {
			t.Errorf("gcPace(%d MiB) = %d, want %d", live>>20, got, want)
		}
	}
}
