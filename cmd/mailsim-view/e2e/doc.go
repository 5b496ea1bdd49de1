// Package e2e holds the end-to-end test of the mailsim-view binary: it
// builds the window, takes a screenshot under X (xvfb-run in CI) and looks
// at the pixels, and checks that without a display it explains itself
// instead of panicking. It is a separate package so that its test binary never
// links ebiten, which needs a display.
package e2e
