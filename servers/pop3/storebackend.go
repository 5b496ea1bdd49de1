package pop3

import (
	"errors"
	"fmt"

	"mailsim/servers/store"
)

// NewStoreBackend serves the mailboxes of s. A maildrop open in one
// session is locked against a second (store.ErrLocked → [IN-USE]).
func NewStoreBackend(s *store.Store) Backend { return storeBackend{s} }

type storeBackend struct{ s *store.Store }

var _ Backend = storeBackend{}

func (b storeBackend) Login(username, password string) (Session, error) {
	if !b.s.Authenticate(username, password) {
		return nil, ErrAuthFailed
	}
	md, err := b.s.Open(username)
	switch {
	case errors.Is(err, store.ErrLocked):
		return nil, ErrInUse
	case errors.Is(err, store.ErrNoUser):
		return nil, ErrAuthFailed
	case err != nil:
		return nil, &Error{Code: "SYS/TEMP", Text: err.Error()}
	}
	msgs := md.Messages()
	infos := make([]MsgInfo, len(msgs))
	for i, m := range msgs {
		infos[i] = MsgInfo{Num: i + 1, Size: wireSize(m.Data), UID: m.UID}
	}
	return &storeSession{md: md, infos: infos}, nil
}

type storeSession struct {
	md    *store.Maildrop
	infos []MsgInfo
}

var _ Session = (*storeSession)(nil)

func (s *storeSession) Messages() []MsgInfo { return s.infos }

func (s *storeSession) Retr(n int) ([]byte, error) {
	msgs := s.md.Messages()
	if n < 1 || n > len(msgs) {
		return nil, &Error{Text: fmt.Sprintf("no such message %d", n)}
	}
	return msgs[n-1].Data, nil
}

func (s *storeSession) Commit(deleted []int) error {
	msgs := s.md.Messages()
	uids := make([]string, 0, len(deleted))
	for _, n := range deleted {
		if n >= 1 && n <= len(msgs) {
			uids = append(uids, msgs[n-1].UID)
		}
	}
	s.md.Expunge(uids)
	return nil
}

func (s *storeSession) Close() error {
	s.md.Close()
	return nil
}
