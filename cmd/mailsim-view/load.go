package main

import (
	"io/fs"
	"os"
	"time"

	"mailsim/cmd/mailsim-view/view"
	"mailsim/scenarios"
	"mailsim/servers/world"
	"mailsim/sim/scenario"
)

// loadScenario reads a scenario file, or a library scenario by name when
// no such file exists ("figure-a"), or the embedded default when path is
// "". It never panics: every problem comes back as an error.
func loadScenario(path string) (*scenario.Scenario, error) {
	name := scenarios.Default
	if path != "" {
		if _, err := os.Stat(path); err == nil {
			return scenario.Load(path)
		}
		lib, ok := scenarios.Lookup(path)
		if !ok {
			return scenario.Load(path) // reports the missing file
		}
		name = lib
	}
	data, err := scenarios.FS.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return scenario.Parse(name, data)
}

// readDropped loads the first YAML file dropped on the window.
func readDropped(fsys fs.FS) (name string, sc *scenario.Scenario, err error, ok bool) {
	entries, e := fs.ReadDir(fsys, ".")
	if e != nil || len(entries) == 0 {
		return "", nil, nil, false
	}
	name = entries[0].Name()
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return name, nil, err, true
	}
	sc, err = scenario.Parse(name, data)
	return name, sc, err, true
}

// openModel builds the model of sc on servers/world; a live one runs
// as it goes, the others run whole at once.
func openModel(sc *scenario.Scenario, live bool) (*view.Model, error) {
	if live {
		return view.NewLiveModel(sc, view.WorldBuilder(sc, world.Options{}))
	}
	return view.NewModel(sc, view.WorldBuilder(sc, world.Options{}))
}

// modTime is the file's modification time, zero when it cannot be read.
func modTime(path string) time.Time {
	if path == "" {
		return time.Time{}
	}
	st, err := os.Stat(path)
	if err != nil {
		return time.Time{}
	}
	return st.ModTime()
}
