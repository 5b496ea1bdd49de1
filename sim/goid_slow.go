//go:build !amd64 && !arm64

package sim

func goid() int64 { return slowGoid() }

func goidFast() bool { return false }
