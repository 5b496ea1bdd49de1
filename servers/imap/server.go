package imap

import (
	"io"
	"log"
	"net"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"mailsim/servers/env"
	"mailsim/servers/store"
)

// UIDValidity of every INBOX: a store never renumbers its messages.
const UIDValidity = 1

// Server is an ISP's IMAP server over its mail store.
type Server struct {
	// Env, when set, is the host whose clock converts imapserver's
	// deadlines (time.Now()+d) for its conns: virtual time in the
	// simulation. Real sockets need none.
	Env   env.Env
	store *store.Store
	srv   *imapserver.Server
	conns connSet
}

// imapserver's read and write timeouts (imapserver/conn.go), so the
// host can tell which one each deadline stands for.
var libTimeouts = []time.Duration{30 * time.Second, 35 * time.Minute, 5 * time.Minute}

// NewServer serves the mailboxes of st. Logins are plain text (LOGIN),
// as POP3's USER/PASS are: the simulation has no TLS.
func NewServer(st *store.Store) *Server {
	s := &Server{store: st}
	s.srv = imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &session{store: st}, nil, nil
		},
		// IMAP4rev1 only: no IDLE (see the package doc).
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}},
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
	return s
}

// Serve answers connections on l until it is closed.
func (s *Server) Serve(l net.Listener) error {
	return s.srv.Serve(noIdleListener{Listener: l, env: s.Env, conns: &s.conns})
}

// Close closes the listeners and every connection.
func (s *Server) Close() error { return s.srv.Close() }
