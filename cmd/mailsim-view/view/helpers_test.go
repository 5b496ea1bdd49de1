package view

import (
	"net/netip"
	"testing"

	"mailsim/scenarios"
	"mailsim/servers/world"
	"mailsim/sim/scenario"
)

// loadScenario reads a scenario of the embedded library.
func loadScenario(t testing.TB, name string) *scenario.Scenario {
	t.Helper()
	data, err := scenarios.FS.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

// newModel builds a model of a library scenario on servers/world.
func newModel(t testing.TB, name string) *Model {
	t.Helper()
	sc := loadScenario(t, name)
	m, err := NewModel(sc, WorldBuilder(sc, world.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("closing the model: %v", err)
		}
	})
	return m
}

func mustAP(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }
