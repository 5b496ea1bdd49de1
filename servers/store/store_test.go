package store

import (
	"errors"
	"testing"
	"time"
)

func TestStore(t *testing.T) {
	s := New()
	s.AddUser("bob", "secret2")
	if !s.Authenticate("bob", "secret2") || s.Authenticate("bob", "wrong") || s.Authenticate("eve", "") {
		t.Fatal("Authenticate")
	}
	var seen []string
	s.Observe(func(box string, m Message) { seen = append(seen, box+":"+m.UID) })
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	u1, err := s.Deliver("bob", []byte("one\r\n"), at)
	if err != nil {
		t.Fatal(err)
	}
	u2, _ := s.Deliver("bob", []byte("two\r\n"), at)
	if u1 == u2 {
		t.Fatalf("UIDs not unique: %s %s", u1, u2)
	}
	if _, err := s.Deliver("eve", nil, at); !errors.Is(err, ErrNoUser) {
		t.Errorf("deliver to unknown mailbox: %v", err)
	}
	if len(seen) != 2 || seen[0] != "bob:"+u1 {
		t.Errorf("observer saw %v", seen)
	}

	md, err := s.Open("bob")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open("bob"); !errors.Is(err, ErrLocked) {
		t.Errorf("second Open: %v, want ErrLocked", err)
	}
	// Mail arriving during a session is not in its snapshot, and survives.
	s.Deliver("bob", []byte("three\r\n"), at)
	if n := len(md.Messages()); n != 2 {
		t.Errorf("snapshot holds %d", n)
	}
	md.Expunge([]string{u1})
	md.Close()
	md.Close() // safe twice
	msgs := s.Messages("bob")
	if len(msgs) != 2 || msgs[0].UID != u2 || string(msgs[1].Data) != "three\r\n" {
		t.Errorf("after expunge: %+v", msgs)
	}
	if msgs[0].Size() != 5 {
		t.Errorf("size %d", msgs[0].Size())
	}
	if _, err := s.Open("bob"); err != nil {
		t.Errorf("Open after Close: %v", err)
	}
}

// L1: a message deleted by POP3 does not stay on the heap: the mailbox's
// backing array keeps no reference to its data.
func TestExpungeFreesData(t *testing.T) {
	s := New()
	s.AddUser("bob", "pw")
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	for range 3 {
		s.Deliver("bob", make([]byte, 1<<10), at)
	}
	md, _ := s.Open("bob")
	var uids []string
	for _, m := range md.Messages()[1:] {
		uids = append(uids, m.UID)
	}
	md.Expunge(uids)
	md.Close()
	b := s.boxes["bob"]
	for i, m := range b.msgs[:cap(b.msgs)][len(b.msgs):] {
		if m.Data != nil {
			t.Errorf("slot %d past the end still holds %d bytes", i, len(m.Data))
		}
	}
}
