package view

import (
	"testing"
	"time"

	"go.uber.org/goleak"

	"mailsim/servers/world"
)

// Every test closes its model; no world may be left running.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Restart, rewind-then-inspect and the model's own Close each end the
// world they replace: nothing of the 21 worlds below is left running.
func TestRebuildClosesTheOldWorld(t *testing.T) {
	before := goleak.IgnoreCurrent()
	sc := loadScenario(t, "figure-b.yaml")
	m, err := NewModel(sc, WorldBuilder(sc, world.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		m.Seek(m.Until())
		m.Restart()
	}
	for i := 0; i < 10; i++ {
		m.Seek(m.Until())
		m.Seek(10 * time.Second)
		m.Node = "pop3.comentum.com"
		m.Inspect() // rebuilt and replayed to 10s
	}
	if m.Err != nil {
		t.Fatal(m.Err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	goleak.VerifyNone(t, before)
}
