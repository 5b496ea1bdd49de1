//go:build !amd64 && !arm64 && !wasm

package sim

func goid() int64 { return slowGoid() }

func goidFast() bool { return false }
