package store

import (
	"errors"
	"fmt"
)

// ErrQuota is a delivery that would take a mailbox past its quota.
var ErrQuota = errors.New("mailbox full")

// SetQuota limits the bytes a mailbox may hold; 0 removes the limit.
func (s *Store) SetQuota(name string, bytes int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.boxes[name]
	if !ok {
		return fmt.Errorf("quota of %q: %w", name, ErrNoUser)
	}
	b.quota = bytes
	return nil
}

// Fits reports whether a message of n bytes fits in the mailbox now;
// n = 1 asks whether the mailbox is full already.
func (s *Store) Fits(name string, n int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.boxes[name]
	return !ok || b.fits(n)
}

func (b *mailbox) used() int64 {
	var n int64
	for _, m := range b.msgs {
		n += int64(len(m.Data))
	}
	return n
}

func (b *mailbox) fits(n int64) bool { return b.quota <= 0 || b.used()+n <= b.quota }
