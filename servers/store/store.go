// Package store is an ISP's mail store: per-user mailboxes with stable
// UIDs, shared by the SMTP delivery side and the POP3 side.
package store

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"
)

// Errors callers can test with errors.Is.
var (
	ErrNoUser = errors.New("no such mailbox")
	ErrLocked = errors.New("maildrop already locked")
)

// Message is one stored message.
type Message struct {
	UID       string    // stable for the life of the message (POP3 UIDL)
	ID        uint32    // the same message's IMAP UID: ascending per mailbox
	Flags     []string  // IMAP flags, sorted: \Seen, \Deleted…
	Data      []byte    // the full RFC 5322 message, CRLF line endings
	Delivered time.Time // virtual time of delivery
}

// Size is the message size in octets, as POP3 LIST reports it.
func (m Message) Size() int { return len(m.Data) }

type mailbox struct {
	password string
	msgs     []Message
	locked   bool
	quota    int64 // bytes; 0: no limit (quota.go)
}

// Store holds the mailboxes of one ISP. Its methods are safe for concurrent
// use; none of them blocks for long.
type Store struct {
	mu       sync.Mutex
	boxes    map[string]*mailbox
	next     uint64
	observer func(mailbox string, m Message)
}

// Observe registers fn to be told of every delivery, after it is stored.
// The simulation uses it to check expectations ("delivered to bob by 30s").
func (s *Store) Observe(fn func(mailbox string, m Message)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.observer = fn
}

// New returns an empty store.
func New() *Store { return &Store{boxes: map[string]*mailbox{}} }

// AddUser creates the mailbox name (e.g. "bob") with a password.
func (s *Store) AddUser(name, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b, ok := s.boxes[name]; ok {
		b.password = password
		return
	}
	s.boxes[name] = &mailbox{password: password}
}

// HasUser reports whether the mailbox exists.
func (s *Store) HasUser(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.boxes[name]
	return ok
}

// Users lists the mailbox names, sorted.
func (s *Store) Users() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, 0, len(s.boxes))
	for n := range s.boxes {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Authenticate checks a user's password.
func (s *Store) Authenticate(name, password string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.boxes[name]
	return ok && b.password == password
}

// Deliver appends a message to a mailbox and returns its UID. The store
// keeps data itself, without a copy, so one body serves every recipient
// of a message: the caller must not change it afterwards.
func (s *Store) Deliver(name string, data []byte, at time.Time) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.boxes[name]
	if !ok {
		return "", fmt.Errorf("deliver to %q: %w", name, ErrNoUser)
	}
	if !b.fits(int64(len(data))) {
		return "", fmt.Errorf("deliver to %q: %w", name, ErrQuota)
	}
	s.next++
	uid := fmt.Sprintf("%s.%d", name, s.next)
	m := Message{UID: uid, ID: uint32(s.next), Data: data, Delivered: at}
	b.msgs = append(b.msgs, m)
	if obs := s.observer; obs != nil {
		s.mu.Unlock()
		obs(name, m)
		s.mu.Lock()
	}
	return uid, nil
}

// Messages returns a copy of a mailbox's messages, for inspection.
func (s *Store) Messages(name string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.boxes[name]
	if !ok {
		return nil
	}
	out := append([]Message(nil), b.msgs...)
	for i := range out {
		out[i].Flags = append([]string(nil), out[i].Flags...)
	}
	return out
}

// Maildrop is an exclusive, locked view of one mailbox, as a POP3 session
// holds it between PASS and QUIT.
type Maildrop struct {
	s      *Store
	name   string
	msgs   []Message
	closed bool
}

// Open locks a mailbox and snapshots its messages. A second Open before
// Close fails with ErrLocked.
func (s *Store) Open(name string) (*Maildrop, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.boxes[name]
	if !ok {
		return nil, fmt.Errorf("open %q: %w", name, ErrNoUser)
	}
	if b.locked {
		return nil, fmt.Errorf("open %q: %w", name, ErrLocked)
	}
	b.locked = true
	return &Maildrop{s: s, name: name, msgs: append([]Message(nil), b.msgs...)}, nil
}

// Messages is the snapshot taken at Open. Message numbers are index+1.
func (m *Maildrop) Messages() []Message { return m.msgs }

// Expunge removes the messages with the given UIDs from the mailbox. POP3
// calls it in the UPDATE state, at QUIT.
func (m *Maildrop) Expunge(uids []string) {
	if len(uids) == 0 {
		return
	}
	del := make(map[string]bool, len(uids))
	for _, u := range uids {
		del[u] = true
	}
	m.s.mu.Lock()
	defer m.s.mu.Unlock()
	m.s.boxes[m.name].remove(func(msg Message) bool { return del[msg.UID] })
}

// remove drops the messages del picks and returns them.
func (b *mailbox) remove(del func(Message) bool) []Message {
	var gone []Message
	kept := b.msgs[:0]
	for _, msg := range b.msgs {
		if del(msg) {
			gone = append(gone, msg)
		} else {
			kept = append(kept, msg)
		}
	}
	// Clear the tail so the deleted messages' data is not kept alive by
	// the slice's backing array.
	clear(b.msgs[len(kept):])
	b.msgs = kept
	return gone
}

// Close unlocks the mailbox. It is safe to call more than once.
func (m *Maildrop) Close() {
	if m.closed {
		return
	}
	m.closed = true
	m.s.mu.Lock()
	defer m.s.mu.Unlock()
	m.s.boxes[m.name].locked = false
}
