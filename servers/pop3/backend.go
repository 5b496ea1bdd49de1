package pop3

// MsgInfo describes one message of a maildrop, as LIST and UIDL show it.
type MsgInfo struct {
	Num  int    // message number, 1-based, fixed for the session
	Size int    // size in octets with CRLF line endings
	UID  string // unique id: 1 to 70 characters in 0x21..0x7E (RFC 1939 UIDL)
}

// Backend checks credentials and opens maildrops.
type Backend interface {
	// Login authenticates and locks the user's maildrop. It returns
	// ErrAuthFailed for bad credentials and ErrInUse if another session
	// holds the lock; any other *Error is sent to the client as is.
	Login(username, password string) (Session, error)
}

// Session is one locked maildrop, from a successful PASS to the end of
// the connection.
type Session interface {
	// Messages is the maildrop as it was at login. It must not change
	// during the session: message numbers are fixed until QUIT.
	Messages() []MsgInfo
	// Retr returns message n (1-based) as stored. The server turns bare
	// LF into CRLF and dot-stuffs it on the way out.
	Retr(n int) ([]byte, error)
	// Commit removes the given messages (numbers, ascending). The server
	// calls it only in the UPDATE state, after QUIT.
	Commit(deleted []int) error
	// Close releases the maildrop lock without deleting anything. The
	// server always calls it, after Commit or instead of it.
	Close() error
}
