// Package archtest holds tests that fail when the architecture drifts:
// which package may import what, and where the wall clock may be read. It
// has no code of its own.
package archtest
