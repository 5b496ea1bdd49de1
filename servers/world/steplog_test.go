package world

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// The log gives back every step as it was added, however it keeps it.
func TestStepLogKeepsSteps(t *testing.T) {
	to := []string{"bob@comentum.com", "eve@comentum.com"}
	steps := []Step{
		{At: time.Second, Kind: "action", Host: "lisa-pc", Proto: "dns", From: "lisa-pc", To: "ns.otherisp.com", Port: 53, Text: "Lisa presses Send/Recv"},
		{At: 2 * time.Second, Msg: "M1", Kind: "composed", Host: "lisa-pc", Rcpts: to, Text: "Lisa writes"},
		{At: 3 * time.Second, Msg: "M1", Kind: "submitted", Host: "smtp", From: "lisa-pc", To: "smtp", Port: 587, Proto: "submission",
			Reply: "250 2.0.0 Ok: queued as 0D5A4C2735", QueueID: "0D5A4C2735", Rcpts: []string{"bob@comentum.com", "eve@comentum.com"}, Text: "hands"},
		{At: 4 * time.Second, Msg: "M1", Kind: "relayed", Host: "mx", From: "smtp", To: "mx", Port: 25, Proto: "smtp", Rcpts: []string{"bob@comentum.com"}, Text: "relays"},
		{At: 5 * time.Second, Msg: "M1", Kind: "deferred", Host: "smtp", Detail: "connection refused", Retry: 5 * time.Minute, Rcpts: to[:1], Text: "cannot deliver yet"},
		{At: 6 * time.Second, Msg: "M1", Kind: "stored", Host: "pop3", Detail: "bob", Text: strings.Repeat("long ", 20000)},
		{At: 7 * time.Second, Msg: "M1", Kind: "downloaded", Host: "pop3", Rcpts: []string{}, Text: "downloads"},
	}
	var l stepLog
	x := &Journey{ID: "M1", To: to}
	for i := range steps {
		steps[i].N = i + 1
		if n := l.add(&steps[i], x); n != int32(i) {
			t.Fatalf("step %d added as %d", i, n)
		}
	}
	steps[6].Rcpts = nil // an empty list comes back as none, as a copy of it would
	for i, want := range steps {
		if got := l.step(int32(i)); !reflect.DeepEqual(got, want) {
			t.Errorf("step %d:\n got %+v\nwant %+v", i, got, want)
		}
	}
	if got := l.step(2).Rcpts; &got[0] != &to[0] {
		t.Errorf("recipients the same as the journey's are a copy")
	}
	if _, ok := l.nameID["M1"]; ok || x.name == 0 { // the journey numbers its ID
		t.Errorf("the journey's ID is looked up (%v), numbered %d", ok, x.name)
	}
	if size := unsafe.Sizeof(stepRec{}); size > 56 {
		t.Errorf("a step takes %d bytes, want 56 at most", size)
	}
	rt := reflect.TypeOf(stepRec{})
	for i := range rt.NumField() {
		f := rt.Field(i).Type
		if f.Kind() == reflect.Array {
			f = f.Elem()
		}
		if f.Kind() < reflect.Int || f.Kind() > reflect.Uint64 {
			t.Errorf("stepRec.%s is a %s: a record must hold no pointer for the collector to follow", rt.Field(i).Name, rt.Field(i).Type)
		}
	}
}

// Texts fill block after block; every step reads back its own.
func TestStepLogTextBlocks(t *testing.T) {
	var l stepLog
	want := make([]Step, 3000)
	for i := range want {
		want[i] = Step{N: i + 1, At: time.Duration(i), Kind: "relayed", Text: strings.Repeat(string(rune('a'+i%26)), i%97),
			Reply: fmt.Sprintf("250 2.0.0 Ok: queued as %X", i), Detail: strings.Repeat("d", i%5), QueueID: fmt.Sprintf("%X", i)}
		if i%500 == 0 {
			want[i].Text = strings.Repeat("x", textBlock-10) // fills a block of its own
		}
		l.add(&want[i], nil)
	}
	if len(l.texts) < 3 {
		t.Fatalf("%d blocks", len(l.texts))
	}
	for i, w := range want {
		if got := l.step(int32(i)); !reflect.DeepEqual(got, w) {
			t.Fatalf("step %d: got %.80q…, want %.80q…", i, got.Text, w.Text)
		}
	}
}

// TestStrArena checks that strings joined into the arena keep their
// bytes as later ones fill their block and the next.
func TestStrArena(t *testing.T) {
	var a strArena
	var got, want []string
	for i := range 3 * textBlock / 20 {
		host, id := fmt.Sprintf("smtp.isp%02d.example", i%97), fmt.Sprintf("%08X", i)
		got = append(got, a.join(host, " ", id))
		want = append(want, host+" "+id)
	}
	got = append(got, a.join(strings.Repeat("x", textBlock+1)), a.join(), a.join("", ""))
	want = append(want, strings.Repeat("x", textBlock+1), "", "")
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("string %d: %q, want %q", i, got[i], want[i])
		}
	}
}
