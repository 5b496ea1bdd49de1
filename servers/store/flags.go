package store

import (
	"fmt"
	"sort"
	"strings"
)

// IMAP keeps a message's flags in the store, so that every program that
// reads the mailbox, over IMAP or through Web Mail, sees the same ones.

// Flags every server reads and writes (RFC 3501 section 2.3.2).
const (
	FlagSeen    = `\Seen`
	FlagDeleted = `\Deleted`
)

// HasFlag reports whether the message carries flag (case-insensitive,
// as IMAP compares flags).
func (m Message) HasFlag(flag string) bool {
	for _, f := range m.Flags {
		if strings.EqualFold(f, flag) {
			return true
		}
	}
	return false
}

// SetFlags replaces the flags of the message id in a mailbox and returns
// the flags it now has. It reports false when the message is gone.
func (s *Store) SetFlags(name string, id uint32, flags []string) ([]string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.boxes[name]
	if !ok {
		return nil, false
	}
	for i := range b.msgs {
		if b.msgs[i].ID == id {
			b.msgs[i].Flags = normalFlags(flags)
			return append([]string(nil), b.msgs[i].Flags...), true
		}
	}
	return nil, false
}

// ExpungeDeleted removes the messages flagged \Deleted (only those among
// ids, when ids is not nil) and returns the ids it removed, ascending.
func (s *Store) ExpungeDeleted(name string, ids map[uint32]bool) ([]uint32, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.boxes[name]
	if !ok {
		return nil, fmt.Errorf("expunge %q: %w", name, ErrNoUser)
	}
	gone := b.remove(func(m Message) bool {
		return m.HasFlag(FlagDeleted) && (ids == nil || ids[m.ID])
	})
	out := make([]uint32, len(gone))
	for i, m := range gone {
		out[i] = m.ID
	}
	return out, nil
}

// UIDNext is the IMAP UID the next message delivered anywhere will get:
// above every UID of every mailbox.
func (s *Store) UIDNext() uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return uint32(s.next) + 1
}

// normalFlags sorts flags and drops duplicates, spelling system flags
// the standard way (\seen becomes \Seen).
func normalFlags(flags []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range flags {
		if strings.HasPrefix(f, `\`) && len(f) > 1 {
			f = `\` + strings.ToUpper(f[1:2]) + strings.ToLower(f[2:])
		}
		if !seen[strings.ToLower(f)] {
			seen[strings.ToLower(f)] = true
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}
