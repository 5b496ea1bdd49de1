package imap

import (
	"bytes"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"

	"mailsim/servers/store"
)

// session is one connection's state. Everything runs in the connection's
// goroutine, so it needs no lock; the store has its own.
type session struct {
	store *store.Store
	user  string

	selected bool
	readOnly bool
	// view is the UIDs of INBOX as this session last told its client,
	// in sequence-number order (seq = index+1). Changes others make
	// (POP3 deleting, another IMAP session expunging, new mail) reach the
	// client when Poll reports them.
	view []uint32
}

var _ imapserver.Session = (*session)(nil)

var (
	errOnlyInbox = &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeNonExistent, Text: "This server keeps one folder: INBOX"}
	errCannot    = &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeCannot, Text: "This server keeps one folder: INBOX"}
	errReadOnly  = &imap.Error{Type: imap.StatusResponseTypeNo, Code: imap.ResponseCodeCannot, Text: "INBOX was opened read-only (EXAMINE)"}
)

// permanentFlags are the flags the store keeps.
var permanentFlags = []imap.Flag{imap.FlagAnswered, imap.FlagDeleted, imap.FlagDraft, imap.FlagFlagged, imap.FlagSeen}

func (s *session) Close() error { return nil }

func (s *session) Login(username, password string) error {
	if !s.store.Authenticate(username, password) {
		return imapserver.ErrAuthFailed
	}
	s.user = username
	return nil
}

func isInbox(name string) bool { return strings.EqualFold(name, "INBOX") }

func (s *session) Select(name string, opts *imap.SelectOptions) (*imap.SelectData, error) {
	if !isInbox(name) {
		return nil, errOnlyInbox
	}
	msgs := s.store.Messages(s.user)
	s.selected, s.readOnly = true, opts != nil && opts.ReadOnly
	s.view = s.view[:0]
	var unseen uint32
	for i, m := range msgs {
		s.view = append(s.view, m.ID)
		if unseen == 0 && !m.HasFlag(store.FlagSeen) {
			unseen = uint32(i + 1)
		}
	}
	return &imap.SelectData{
		Flags: permanentFlags, PermanentFlags: permanentFlags,
		NumMessages: uint32(len(msgs)), FirstUnseenSeqNum: unseen,
		UIDNext: imap.UID(s.store.UIDNext()), UIDValidity: UIDValidity,
	}, nil
}

func (s *session) Unselect() error {
	s.selected, s.view = false, nil
	return nil
}

func (s *session) Create(string, *imap.CreateOptions) error         { return errCannot }
func (s *session) Delete(string) error                              { return errCannot }
func (s *session) Rename(string, string, *imap.RenameOptions) error { return errCannot }
func (s *session) Subscribe(string) error                           { return nil }
func (s *session) Unsubscribe(string) error                         { return nil }

func (s *session) Copy(imap.NumSet, string) (*imap.CopyData, error) { return nil, errCannot }

func (s *session) Append(string, imap.LiteralReader, *imap.AppendOptions) (*imap.AppendData, error) {
	return nil, errCannot
}

func (s *session) List(w *imapserver.ListWriter, ref string, patterns []string, _ *imap.ListOptions) error {
	if len(patterns) == 1 && patterns[0] == "" {
		// RFC 3501 section 6.3.8: an empty pattern asks for the delimiter.
		return w.WriteList(&imap.ListData{Attrs: []imap.MailboxAttr{imap.MailboxAttrNoSelect}, Delim: '/'})
	}
	for _, p := range patterns {
		if imapserver.MatchList("INBOX", '/', ref, p) {
			return w.WriteList(&imap.ListData{Attrs: []imap.MailboxAttr{imap.MailboxAttrHasNoChildren}, Delim: '/', Mailbox: "INBOX"})
		}
	}
	return nil
}

func (s *session) Status(name string, opts *imap.StatusOptions) (*imap.StatusData, error) {
	if !isInbox(name) {
		return nil, errOnlyInbox
	}
	msgs := s.store.Messages(s.user)
	d := &imap.StatusData{Mailbox: "INBOX"}
	n, unseen, deleted, size := uint32(len(msgs)), uint32(0), uint32(0), int64(0)
	for _, m := range msgs {
		if !m.HasFlag(store.FlagSeen) {
			unseen++
		}
		if m.HasFlag(store.FlagDeleted) {
			deleted++
		}
		size += int64(len(m.Data))
	}
	zero := uint32(0)
	if opts.NumMessages {
		d.NumMessages = &n
	}
	if opts.UIDNext {
		d.UIDNext = imap.UID(s.store.UIDNext())
	}
	if opts.UIDValidity {
		d.UIDValidity = UIDValidity
	}
	if opts.NumUnseen {
		d.NumUnseen = &unseen
	}
	if opts.NumDeleted {
		d.NumDeleted = &deleted
	}
	if opts.NumRecent {
		d.NumRecent = &zero
	}
	if opts.Size {
		d.Size = &size
	}
	return d, nil
}

// Poll tells the client what changed since it last looked: messages
// removed by others (only when allowExpunge: sequence numbers must not
// shift under a FETCH, STORE or SEARCH) and new mail.
func (s *session) Poll(w *imapserver.UpdateWriter, allowExpunge bool) error {
	if !s.selected {
		return nil
	}
	msgs := s.store.Messages(s.user)
	now := make(map[uint32]bool, len(msgs))
	for _, m := range msgs {
		now[m.ID] = true
	}
	if allowExpunge {
		for i := len(s.view) - 1; i >= 0; i-- {
			if !now[s.view[i]] {
				if err := w.WriteExpunge(uint32(i + 1)); err != nil {
					return err
				}
				s.view = append(s.view[:i], s.view[i+1:]...)
			}
		}
	}
	last := uint32(0)
	if len(s.view) > 0 {
		last = s.view[len(s.view)-1]
	}
	added := false
	for _, m := range msgs {
		if m.ID > last {
			s.view = append(s.view, m.ID)
			added = true
		}
	}
	if added {
		return w.WriteNumMessages(uint32(len(s.view)))
	}
	return nil
}

// Idle waits for DONE and reports nothing: IDLE is not advertised, and
// updates pushed from another goroutine would be a hand-off the kernel
// cannot see (package doc). Poll reports the changes after DONE.
func (s *session) Idle(_ *imapserver.UpdateWriter, stop <-chan struct{}) error {
	<-stop
	return nil
}

func (s *session) Expunge(w *imapserver.ExpungeWriter, uids *imap.UIDSet) error {
	if s.readOnly {
		return errReadOnly
	}
	var only map[uint32]bool
	if uids != nil {
		only = map[uint32]bool{}
		for _, id := range s.view {
			if uids.Contains(imap.UID(id)) {
				only[id] = true
			}
		}
	}
	gone, err := s.store.ExpungeDeleted(s.user, only)
	if err != nil {
		return err
	}
	for _, id := range gone {
		for i, v := range s.view {
			if v == id {
				if err := w.WriteExpunge(uint32(i + 1)); err != nil {
					return err
				}
				s.view = append(s.view[:i], s.view[i+1:]...)
				break
			}
		}
	}
	return nil
}

// picked is one message a number set chose: its sequence number in the
// session's view and its current state in the store.
type picked struct {
	seq uint32
	msg store.Message
}

// pick resolves a number set against the view; messages others removed
// since the last Poll are skipped.
func (s *session) pick(set imap.NumSet) []picked {
	byID := map[uint32]store.Message{}
	for _, m := range s.store.Messages(s.user) {
		byID[m.ID] = m
	}
	var out []picked
	for i, id := range s.view {
		seq := uint32(i + 1)
		if !contains(set, seq, id, s.view) {
			continue
		}
		if m, ok := byID[id]; ok {
			out = append(out, picked{seq, m})
		}
	}
	return out
}

// contains reports whether a set holds a message; "*" is the last one.
func contains(set imap.NumSet, seq, id uint32, view []uint32) bool {
	switch set := set.(type) {
	case imap.SeqSet:
		last := uint32(len(view))
		for _, r := range set {
			if inRange(seq, r.Start, r.Stop, last) {
				return true
			}
		}
	case imap.UIDSet:
		last := uint32(0)
		if len(view) > 0 {
			last = view[len(view)-1]
		}
		for _, r := range set {
			if inRange(id, uint32(r.Start), uint32(r.Stop), last) {
				return true
			}
		}
	}
	return false
}

func inRange(n, start, stop, last uint32) bool {
	if start == 0 {
		start = last
	}
	if stop == 0 {
		stop = last
	}
	if start > stop {
		start, stop = stop, start
	}
	return n >= start && n <= stop
}

func (s *session) Fetch(w *imapserver.FetchWriter, set imap.NumSet, opts *imap.FetchOptions) error {
	markSeen := false
	for _, bs := range opts.BodySection {
		markSeen = markSeen || !bs.Peek
	}
	for _, p := range s.pick(set) {
		if markSeen && !s.readOnly && !p.msg.HasFlag(store.FlagSeen) {
			if f, ok := s.store.SetFlags(s.user, p.msg.ID, append(p.msg.Flags, store.FlagSeen)); ok {
				p.msg.Flags = f
				opts.Flags = true // RFC 3501 section 6.4.5: report the change
			}
		}
		if err := fetchOne(w.CreateMessage(p.seq), p.msg, opts); err != nil {
			return err
		}
	}
	return nil
}

func fetchOne(w *imapserver.FetchResponseWriter, m store.Message, opts *imap.FetchOptions) error {
	w.WriteUID(imap.UID(m.ID))
	if opts.Flags {
		w.WriteFlags(imapFlags(m.Flags))
	}
	if opts.InternalDate {
		w.WriteInternalDate(m.Delivered)
	}
	if opts.RFC822Size {
		w.WriteRFC822Size(int64(len(m.Data)))
	}
	if opts.Envelope {
		w.WriteEnvelope(envelope(m.Data))
	}
	if opts.BodyStructure != nil {
		w.WriteBodyStructure(imapserver.ExtractBodyStructure(bytes.NewReader(m.Data)))
	}
	for _, bs := range opts.BodySection {
		buf := imapserver.ExtractBodySection(bytes.NewReader(m.Data), bs)
		wc := w.WriteBodySection(bs, int64(len(buf)))
		_, werr := wc.Write(buf)
		if err := wc.Close(); werr == nil {
			werr = err
		}
		if werr != nil {
			return werr
		}
	}
	return w.Close()
}

func imapFlags(fs []string) []imap.Flag {
	out := make([]imap.Flag, len(fs))
	for i, f := range fs {
		out[i] = imap.Flag(f)
	}
	return out
}

func (s *session) Store(w *imapserver.FetchWriter, set imap.NumSet, flags *imap.StoreFlags, _ *imap.StoreOptions) error {
	if s.readOnly {
		return errReadOnly
	}
	for _, p := range s.pick(set) {
		next := applyStore(p.msg.Flags, flags)
		f, ok := s.store.SetFlags(s.user, p.msg.ID, next)
		if !ok || flags.Silent {
			continue
		}
		p.msg.Flags = f
		if err := fetchOne(w.CreateMessage(p.seq), p.msg, &imap.FetchOptions{Flags: true}); err != nil {
			return err
		}
	}
	return nil
}

// applyStore computes a message's flags after STORE.
func applyStore(cur []string, st *imap.StoreFlags) []string {
	var arg []string
	for _, f := range st.Flags {
		arg = append(arg, string(f))
	}
	switch st.Op {
	case imap.StoreFlagsSet:
		return arg
	case imap.StoreFlagsAdd:
		return append(append([]string(nil), cur...), arg...)
	}
	var out []string
	for _, c := range cur {
		drop := false
		for _, a := range arg {
			drop = drop || strings.EqualFold(a, c)
		}
		if !drop {
			out = append(out, c)
		}
	}
	return out
}
