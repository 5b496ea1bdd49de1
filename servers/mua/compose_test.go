package mua

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"mailsim/servers/env"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func lisa() Account {
	return Account{
		Name: "Lisa", Address: "lisa@otherisp.com", Username: "lisa", Password: "lisapw",
		SMTPServer: "smtp.otherisp.com:25", POP3Server: "pop.otherisp.com:110",
	}
}

// TestComposeGolden pins the exact bytes of composed messages.
func TestComposeGolden(t *testing.T) {
	tests := []struct {
		name, subject, body string
		to                  []string
	}{
		{"plain", "Hello Bob", "Hi Bob,\nlunch on Friday?\n.\nLisa", []string{"bob@comentum.com"}},
		{"utf8", "Grüße", "Schöne Grüße\r\n", []string{"bob@comentum.com", "Carol <carol@comentum.com>"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := New(env.NewLoopback("lisa-pc", 42), lisa())
			got, err := p.Compose(tc.to, tc.subject, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "compose_"+tc.name+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			if string(got) != string(want) {
				t.Errorf("composed:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestComposeErrors(t *testing.T) {
	p := New(env.NewLoopback("lisa-pc", 1), lisa())
	for _, to := range [][]string{nil, {"not an address"}, {"bob@comentum.com", "<<>>"}} {
		if _, err := p.Compose(to, "s", "b"); err == nil {
			t.Errorf("Compose(%q) succeeded", to)
		}
	}
	bad := lisa()
	bad.Address = "nobody"
	if _, err := New(env.NewLoopback("x", 1), bad).Compose([]string{"bob@comentum.com"}, "s", "b"); err == nil {
		t.Error("Compose with a bad account address succeeded")
	}
}
