package smtp

import (
	"errors"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
)

// authenticate checks a user name (a mailbox name or a full address
// mapped to one) and password against the store. It returns the mailbox.
func (s *Server) authenticate(username, password string) (string, bool) {
	if s.cfg.Store == nil {
		return "", false
	}
	box := username
	if a, err := parseAddress(username); err == nil {
		b, ok := s.mailbox(a)
		if !ok {
			return "", false
		}
		box = b
	}
	if !s.cfg.Store.Authenticate(box, password) {
		return "", false
	}
	return box, true
}

// loginServer is the server side of the LOGIN SASL mechanism
// (draft-murchison-sasl-login), which go-sasl only has as a client.
type loginServer struct {
	auth     func(username, password string) error
	username string
	step     int
}

var _ sasl.Server = (*loginServer)(nil)

var errLoginDone = errors.New("sasl: LOGIN exchange already finished")

func (l *loginServer) Next(response []byte) (challenge []byte, done bool, err error) {
	switch l.step {
	case 0:
		l.step++
		if response == nil { // no initial response: ask for the user
			return []byte("Username:"), false, nil
		}
		l.username = string(response)
		l.step++
		return []byte("Password:"), false, nil
	case 1:
		l.username = string(response)
		l.step++
		return []byte("Password:"), false, nil
	case 2:
		l.step++
		return nil, true, l.auth(l.username, string(response))
	}
	return nil, false, errLoginDone
}

// AuthMechanisms lists the SASL mechanisms offered after EHLO.
func (ss *session) AuthMechanisms() []string {
	if ss.s.cfg.Store == nil {
		return nil
	}
	return []string{sasl.Plain, sasl.Login}
}

// Auth starts a SASL exchange (RFC 4954).
func (ss *session) Auth(mech string) (sasl.Server, error) {
	if ss.s.tooManyAuthFailures(ss.ip) {
		hangUpAfterReply(ss.conn.Conn())
		return nil, errTooManyAuthFailures(ss.s.cfg.Hostname)
	}
	check := func(username, password string) error {
		box, ok := ss.s.authenticate(username, password)
		if !ok {
			ss.s.env.Logf("authentication failed for %q from %s", username, ss.ip)
			if ss.s.authFailed(ss.ip) {
				hangUpAfterReply(ss.conn.Conn())
				return errTooManyAuthFailures(ss.s.cfg.Hostname)
			}
			return gosmtp.ErrAuthFailed
		}
		ss.s.authSucceeded(ss.ip)
		ss.user = box
		ss.s.env.Logf("authenticated %s from %s", box, ss.ip)
		return nil
	}
	switch mech {
	case sasl.Plain:
		return sasl.NewPlainServer(func(identity, username, password string) error {
			// RFC 4616: an authorization identity other than the
			// user's own would mean acting for someone else.
			if identity != "" && identity != username {
				return gosmtp.ErrAuthFailed
			}
			return check(username, password)
		}), nil
	case sasl.Login:
		return &loginServer{auth: check}, nil
	}
	return nil, gosmtp.ErrAuthUnknownMechanism
}
