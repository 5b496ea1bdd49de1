package dns

import (
	"testing"

	"go.uber.org/goleak"
)

// No test may leave a goroutine behind: servers are closed, and Close
// waits for their connections.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
