package store

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"
)

// FuzzStore runs a program of store operations read from the input and
// checks it against a plain model: every delivered message is there
// until a maildrop expunges it, UIDs never repeat, locks are exclusive
// and released.
func FuzzStore(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 0, 0, 6, 2})
	f.Add([]byte{0, 0, 0, 2, 3, 3, 4, 5, 2, 4})
	f.Add([]byte{1, 1, 1, 2, 2, 5, 5, 4, 4, 6, 6})
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, prog []byte) {
		prog = prog[:min(len(prog), 300)] // the model check is quadratic
		s := New()
		boxes := []string{"bob", "carol"}
		for _, b := range boxes {
			s.AddUser(b, "pw")
		}
		model := map[string][]string{} // box → UIDs in order
		uids := map[string]bool{}
		drops := map[string]*Maildrop{}
		for i, op := range prog {
			box := boxes[int(op>>4)%len(boxes)]
			switch op % 7 {
			case 0, 1: // deliver
				data := bytes.Repeat([]byte{op}, i%64)
				uid, err := s.Deliver(box, data, at)
				if err != nil {
					t.Fatal(err)
				}
				if uids[uid] {
					t.Fatalf("UID %s given twice", uid)
				}
				uids[uid] = true
				model[box] = append(model[box], uid)
			case 2: // open
				md, err := s.Open(box)
				if drops[box] != nil {
					if !errors.Is(err, ErrLocked) {
						t.Fatalf("second open of %s: %v", box, err)
					}
					continue
				}
				if err != nil {
					t.Fatal(err)
				}
				drops[box] = md
			case 3, 4: // expunge every other message of the snapshot
				md := drops[box]
				if md == nil {
					continue
				}
				var del []string
				for j, m := range md.Messages() {
					if j%2 == int(op%2) {
						del = append(del, m.UID)
					}
				}
				md.Expunge(del)
				model[box] = minus(model[box], del)
			case 5, 6: // close
				if md := drops[box]; md != nil {
					md.Close()
					md.Close()
					delete(drops, box)
				}
			}
			for _, b := range boxes {
				if got, want := uidsOf(s.Messages(b)), fmt.Sprint(model[b]); got != want {
					t.Fatalf("after op %d: %s holds %s, want %s", i, b, got, want)
				}
			}
		}
		for _, md := range drops {
			md.Close()
		}
		for _, b := range boxes {
			md, err := s.Open(b)
			if err != nil {
				t.Fatalf("%s still locked: %v", b, err)
			}
			md.Close()
		}
	})
}

func minus(list, del []string) []string {
	gone := map[string]bool{}
	for _, d := range del {
		gone[d] = true
	}
	var out []string
	for _, u := range list {
		if !gone[u] {
			out = append(out, u)
		}
	}
	return out
}

func uidsOf(ms []Message) string {
	var u []string
	for _, m := range ms {
		u = append(u, m.UID)
	}
	return fmt.Sprint(u)
}
