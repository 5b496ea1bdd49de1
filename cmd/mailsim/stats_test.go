package main

import "testing"

func TestGCPace(t *testing.T) {
	for live, want := range map[uint64]int{0: 230, 100 << 20: 230, 712 << 20: 230, 780 << 20: 200, 1 << 30: 150, 1500 << 20: 100, 4 << 30: 100} {
		if got := gcPace(live); got != want {
			t.Errorf("gcPace(%d MiB) = %d, want %d", live>>20, got, want)
		}
	}
}
