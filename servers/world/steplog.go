package world

import (
	"slices"
	"time"
)

// stepLog holds every step of the run, kept to its end for the story,
// mailsim show and the summary: a large run has hundreds of thousands.
// A step is kept in about half the room of a Step: its names (journey
// id, kind, hosts, protocol) are numbered once for the whole log, its
// free texts share one string, and N is its place in the log.
// Chunks of fixed size mean growing the log never copies what it holds.
type stepLog struct {
	chunks [][]stepRec
	n      int32
	names  []string // names[0] is ""
	nameID map[string]int32
}

// stepRec is a Step as the log keeps it.
type stepRec struct {
	at, retry time.Duration
	// text is Text, Reply, Detail and QueueID end to end; cut[i] is
	// where the (i+1)th starts.
	text string
	cut  [3]uint32
	// name numbers Msg, Kind, Host, From, To and Proto in the log's names.
	name  [6]int32
	port  uint16
	rcpts []string
}

const stepChunk = 1024

// add appends st and returns its index; to is the recipients of its
// journey, whose slice st's Rcpts shares when they are the same.
func (l *stepLog) add(st *Step, to []string) int32 {
	if k := len(l.chunks); k == 0 || len(l.chunks[k-1]) == stepChunk {
		l.chunks = append(l.chunks, make([]stepRec, 0, stepChunk))
	}
	r := stepRec{at: st.At, retry: st.Retry, port: uint16(st.Port),
		text: st.Text + st.Reply + st.Detail + st.QueueID}
	r.cut[0] = uint32(len(st.Text))
	r.cut[1] = r.cut[0] + uint32(len(st.Reply))
	r.cut[2] = r.cut[1] + uint32(len(st.Detail))
	for i, s := range [...]string{st.Msg, st.Kind, st.Host, st.From, st.To, st.Proto} {
		r.name[i] = l.number(s)
	}
	switch {
	case len(st.Rcpts) == 0:
	case slices.Equal(st.Rcpts, to):
		r.rcpts = to
	default:
		r.rcpts = slices.Clone(st.Rcpts)
	}
	c := &l.chunks[len(l.chunks)-1]
	*c = append(*c, r)
	l.n++
	return l.n - 1
}

// number is the number of a name, given on first sight.
func (l *stepLog) number(s string) int32 {
	if s == "" {
		return 0
	}
	if id, ok := l.nameID[s]; ok {
		return id
	}
	if l.nameID == nil {
		l.nameID = map[string]int32{}
		l.names = []string{""}
	}
	id := int32(len(l.names))
	l.names = append(l.names, s)
	l.nameID[s] = id
	return id
}

// rec is the record of step i.
func (l *stepLog) rec(i int32) *stepRec { return &l.chunks[i/stepChunk][i%stepChunk] }

// at is when step i happened.
func (l *stepLog) at(i int32) time.Duration { return l.rec(i).at }

// step is step i of the log.
func (l *stepLog) step(i int32) Step {
	r := l.rec(i)
	name := func(k int) string { return l.names[r.name[k]] }
	return Step{N: int(i) + 1, At: r.at, Msg: name(0), Kind: name(1), Host: name(2), From: name(3), To: name(4),
		Port: int(r.port), Proto: name(5), Retry: r.retry, Rcpts: r.rcpts,
		Text: r.text[:r.cut[0]], Reply: r.text[r.cut[0]:r.cut[1]], Detail: r.text[r.cut[1]:r.cut[2]], QueueID: r.text[r.cut[2]:]}
}
