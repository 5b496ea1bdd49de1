package world

import (
	"slices"
	"time"
	"unsafe"
)

// stepLog holds every step of the run, kept to its end for the story,
// mailsim show and the summary: a large run has hundreds of thousands.
// A step is kept in 56 bytes rather than a Step's 216: its names
// (journey id, kind, hosts, protocol) are numbered once for the whole
// log, its free texts are written end to end into large blocks of
// bytes, its recipients are its journey's when they are the same, and N
// is its place in the log. So a record holds no pointer for the
// collector to follow, nor a string of its own to free. The few steps
// that do not fit (a retry wait, texts over 64 KB) are kept whole
// beside. Chunks and blocks of fixed size mean growing the log never
// copies what it holds.
type stepLog struct {
	chunks [][]stepRec
	n      int32
	names  []string // names[0] is ""
	nameID map[string]int32
	rcpts  [][]string        // rcpts[0] is nil
	rcptID map[*string]int32 // a journey's To, by its first element
	whole  map[int32]*Step   // steps that do not fit a stepRec
	texts  [][]byte          // blocks of the records' texts, only appended to
}

// stepRec is a Step as the log keeps it.
type stepRec struct {
	at time.Duration
	// The texts, Text, Reply, Detail and QueueID end to end, are n bytes
	// at off in the log's block blk; cut[i] is where the (i+1)th starts.
	blk, off, n uint32
	// name numbers Msg, Kind, Host, From, To and Proto in the log's names.
	name  [6]int32
	rcpts int32 // in the log's rcpts
	cut   [3]uint16
	port  uint16
}

const (
	stepChunk = 1024
	textBlock = 64 << 10
)

// add appends st and returns its index. x is its journey, if any: st's
// Rcpts share x's To when they are the same, and x's ID is numbered
// once, by x, rather than looked up in the names of every step.
func (l *stepLog) add(st *Step, x *Journey) int32 {
	if k := len(l.chunks); k == 0 || len(l.chunks[k-1]) == stepChunk {
		l.chunks = append(l.chunks, make([]stepRec, 0, stepChunk))
	}
	c := &l.chunks[len(l.chunks)-1]
	i := l.n
	l.n++
	r := stepRec{at: st.At}
	if st.Retry != 0 || len(st.Text)+len(st.Reply)+len(st.Detail) > 1<<16-1 || st.Port > 1<<16-1 {
		if l.whole == nil {
			l.whole = map[int32]*Step{}
		}
		whole := *st
		whole.Rcpts = append([]string(nil), st.Rcpts...)
		l.whole[i] = &whole
		*c = append(*c, r)
		return i
	}
	r.port = uint16(st.Port)
	l.keepTexts(&r, st)
	r.cut[0] = uint16(len(st.Text))
	r.cut[1] = r.cut[0] + uint16(len(st.Reply))
	r.cut[2] = r.cut[1] + uint16(len(st.Detail))
	var to []string
	if x != nil {
		to = x.To
	}
	if x != nil && st.Msg == x.ID {
		if x.name == 0 {
			x.name = l.newName(x.ID)
		}
		r.name[0] = x.name
	} else {
		r.name[0] = l.number(st.Msg)
	}
	for k, s := range [...]string{st.Kind, st.Host, st.From, st.To, st.Proto} {
		r.name[k+1] = l.number(s)
	}
	r.rcpts = l.rcptSet(st.Rcpts, to)
	*c = append(*c, r)
	return i
}

// keepTexts writes st's texts end to end into the last block, or a new
// one when they do not fit in what is left of it.
func (l *stepLog) keepTexts(r *stepRec, st *Step) {
	n := len(st.Text) + len(st.Reply) + len(st.Detail) + len(st.QueueID)
	if n == 0 {
		return
	}
	k := len(l.texts) - 1
	if k < 0 || cap(l.texts[k])-len(l.texts[k]) < n {
		l.texts = append(l.texts, make([]byte, 0, max(textBlock, n)))
		k++
	}
	b := l.texts[k]
	r.blk, r.off, r.n = uint32(k), uint32(len(b)), uint32(n)
	b = append(b, st.Text...)
	b = append(b, st.Reply...)
	b = append(b, st.Detail...)
	l.texts[k] = append(b, st.QueueID...)
}

// text is the texts of r. The string shares the block's bytes, which are
// never written again.
func (l *stepLog) text(r *stepRec) string {
	if r.n == 0 {
		return ""
	}
	return unsafe.String(&l.texts[r.blk][r.off], r.n)
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
	}
	id := l.newName(s)
	l.nameID[s] = id
	return id
}

// newName adds s to the names, unlooked-for: a journey's ID, which its
// journey keeps the number of (the map would hold one per message).
func (l *stepLog) newName(s string) int32 {
	if l.names == nil {
		l.names = []string{""}
	}
	l.names = append(l.names, s)
	return int32(len(l.names) - 1)
}

// rcptSet numbers a step's recipients: to's number when they are the
// same, a new one otherwise.
func (l *stepLog) rcptSet(rcpts, to []string) int32 {
	if len(rcpts) == 0 {
		return 0
	}
	if l.rcptID == nil {
		l.rcptID = map[*string]int32{}
		l.rcpts = [][]string{nil}
	}
	shared := slices.Equal(rcpts, to)
	if shared {
		if id, ok := l.rcptID[&to[0]]; ok {
			return id
		}
	} else {
		to = slices.Clone(rcpts)
	}
	id := int32(len(l.rcpts))
	l.rcpts = append(l.rcpts, to)
	if shared {
		l.rcptID[&to[0]] = id
	}
	return id
}

// rec is the record of step i.
func (l *stepLog) rec(i int32) *stepRec { return &l.chunks[i/stepChunk][i%stepChunk] }

// at is when step i happened.
func (l *stepLog) at(i int32) time.Duration { return l.rec(i).at }

// step is step i of the log.
func (l *stepLog) step(i int32) Step {
	if st := l.whole[i]; st != nil {
		return *st
	}
	r := l.rec(i)
	name := func(k int) string { return l.names[r.name[k]] }
	text := l.text(r)
	st := Step{N: int(i) + 1, At: r.at, Msg: name(0), Kind: name(1), Host: name(2), From: name(3), To: name(4),
		Port: int(r.port), Proto: name(5),
		Text: text[:r.cut[0]], Reply: text[r.cut[0]:r.cut[1]], Detail: text[r.cut[1]:r.cut[2]], QueueID: text[r.cut[2]:]}
	if r.rcpts != 0 {
		st.Rcpts = l.rcpts[r.rcpts]
	}
	return st
}
