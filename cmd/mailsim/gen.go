package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"os"
	"strconv"
	"time"
)

const genDetail = `
Write a generated scenario, valid for mailsim run and mailsim test, to
stdout (or -o FILE). One kind so far:

  load   ISPs with users, one PC per user; every user in turn sends a
         message to a recipient chosen with the seed (--cross-isp: always
         in another ISP, so every message needs an MX lookup and a relay
         between ISPs); the sends are --gap apart; a minute after the last
         one, every PC checks its mail, 50ms apart. Expectations check the
         first, middle and last message (delivered, downloaded) and one
         user's mailbox count before and after the checks.

Example: mailsim gen load --isps 100 --users 1000 --messages 10000 --cross-isp
is the 1x load of make bench (2 M events).`

func (c *cli) genCommand() *command {
	return &command{
		name: "gen", args: "load [--isps N] [--users U] [--messages M] [--cross-isp] [--seed S] [--gap D] [-o FILE]",
		summary: "write a generated scenario (load: many ISPs, users and messages)",
		detail:  genDetail,
		flags: func(fs *flag.FlagSet) func([]string) int {
			var l loadGen
			fs.IntVar(&l.isps, "isps", 10, "number of ISPs `N`")
			fs.IntVar(&l.users, "users", 100, "number of users `U` (and PCs), spread evenly over the ISPs")
			fs.IntVar(&l.messages, "messages", 1000, "number of messages `M`")
			fs.BoolVar(&l.crossISP, "cross-isp", false, "every message goes to a user of another ISP")
			fs.Int64Var(&l.seed, "seed", 1, "seed `S` of the recipients' choice (and the scenario's seed:)")
			fs.DurationVar(&l.gap, "gap", 30*time.Millisecond, "virtual time `D` between two sends")
			out := fs.String("o", "", "write to `FILE` instead of stdout")
			return func(args []string) int {
				if len(args) != 1 || args[0] != "load" {
					fmt.Fprintf(c.stderr, "mailsim gen: name what to generate: load\nusage: mailsim gen load [flags]\n")
					return exitUsage
				}
				if err := l.check(); err != nil {
					fmt.Fprintf(c.stderr, "mailsim gen load: %v\n", err)
					return exitUsage
				}
				w, closeOut := c.stdout, func() error { return nil }
				if *out != "" {
					f, err := os.Create(*out)
					if err != nil {
						fmt.Fprintf(c.stderr, "mailsim gen: %v\n", err)
						return exitUsage
					}
					w, closeOut = f, f.Close
				}
				err := l.write(w)
				if cerr := closeOut(); err == nil {
					err = cerr
				}
				if err != nil {
					fmt.Fprintf(c.stderr, "mailsim gen: %v\n", err)
					return exitSim
				}
				return exitOK
			}
		},
	}
}

// loadGen describes a generated load scenario.
type loadGen struct {
	isps, users, messages int
	crossISP              bool
	seed                  int64
	gap                   time.Duration
}

func (l *loadGen) check() error {
	switch {
	case l.isps < 1:
		return errors.New("--isps must be at least 1")
	case l.users < l.isps:
		return errors.New("--users must be at least --isps (every ISP has a user)")
	case l.messages < 1:
		return errors.New("--messages must be at least 1")
	case l.crossISP && l.isps < 2:
		return errors.New("--cross-isp needs at least 2 ISPs")
	case !l.crossISP && l.users < 2:
		return errors.New("--users must be at least 2")
	case l.gap < 0:
		return errors.New("--gap must not be negative")
	}
	return nil
}

// Users are numbered 0…users-1 globally; ISP i holds the block
// [first(i), first(i+1)), the first users%isps ISPs one more.
func (l *loadGen) first(i int) int {
	base, extra := l.users/l.isps, l.users%l.isps
	return i*base + min(i, extra)
}

func (l *loadGen) ispOf(g int) int {
	base, extra := l.users/l.isps, l.users%l.isps
	if g < extra*(base+1) {
		return g / (base + 1)
	}
	return extra + (g-extra*(base+1))/base
}

func width(n int) int { return len(strconv.Itoa(n)) }

func (l *loadGen) ispName(i int) string { return fmt.Sprintf("isp%0*d", width(l.isps), i+1) }
func (l *loadGen) addr(g int) string {
	i := l.ispOf(g)
	return fmt.Sprintf("u%d@%s.example", g-l.first(i), l.ispName(i))
}
func (l *loadGen) host(g int) string {
	i := l.ispOf(g)
	return fmt.Sprintf("pc-%s-%d", l.ispName(i), g-l.first(i))
}

// recipients chooses every message's recipient: message m comes from
// user m%users, so every user sends in turn.
func (l *loadGen) recipients() []int {
	rnd := rand.New(rand.NewSource(l.seed))
	out := make([]int, l.messages)
	for m := range out {
		g := m % l.users
		if l.crossISP {
			i := l.ispOf(g)
			lo, hi := l.first(i), l.first(i+1)
			r := rnd.Intn(l.users - (hi - lo))
			if r >= lo {
				r += hi - lo
			}
			out[m] = r
			continue
		}
		r := rnd.Intn(l.users - 1)
		if r >= g {
			r++
		}
		out[m] = r
	}
	return out
}

func (l *loadGen) write(out io.Writer) error {
	b := bufio.NewWriterSize(out, 1<<16)
	rcpt := l.recipients()
	received := make([]int, l.users)
	for _, r := range rcpt {
		received[r]++
	}
	const checkGap = 50 * time.Millisecond
	sendEnd := time.Duration(l.messages-1) * l.gap
	checkAt := sendEnd + time.Minute
	until := checkAt + time.Duration(l.users)*checkGap + 2*time.Minute
	cross := ""
	if l.crossISP {
		cross = " --cross-isp"
	}
	fmt.Fprintf(b, "# Generated by: mailsim gen load --isps %d --users %d --messages %d%s --seed %d --gap %s\n",
		l.isps, l.users, l.messages, cross, l.seed, l.gap)
	fmt.Fprintf(b, "title: Load, %d ISPs, %d users, %d messages\nseed: %d\nuntil: %s\nisps:\n", l.isps, l.users, l.messages, l.seed, ms(until))
	for i := 0; i < l.isps; i++ {
		n := l.ispName(i)
		fmt.Fprintf(b, "  %s:\n    domain: %s.example\n    users:\n", n, n)
		for g := l.first(i); g < l.first(i+1); g++ {
			fmt.Fprintf(b, "      u%d: pw%d\n", g-l.first(i), g)
		}
	}
	fmt.Fprintf(b, "hosts:\n")
	for g := 0; g < l.users; g++ {
		fmt.Fprintf(b, "  %s: {user: %s}\n", l.host(g), l.addr(g))
	}
	fmt.Fprintf(b, "timeline:\n")
	for m := 0; m < l.messages; m++ {
		fmt.Fprintf(b, "  - {at: %s, send: {from: %s, to: %s, subject: Message %d}}\n",
			ms(time.Duration(m)*l.gap), l.addr(m%l.users), l.addr(rcpt[m]), m+1)
	}
	for g := 0; g < l.users; g++ {
		fmt.Fprintf(b, "  - {at: %s, check: %s}\n", ms(checkAt+time.Duration(g)*checkGap), l.host(g))
	}
	fmt.Fprintf(b, "expect:\n")
	for _, m := range uniq(0, l.messages/2, l.messages-1) {
		fmt.Fprintf(b, "  - {delivered: {to: %s, subject: Message %d, from: %s}, by: %s}\n", l.addr(rcpt[m]), m+1, l.addr(m%l.users), ms(checkAt))
		fmt.Fprintf(b, "  - {downloaded: {host: %s, subject: Message %d}}\n", l.host(rcpt[m]), m+1)
	}
	g := rcpt[l.messages/2]
	fmt.Fprintf(b, "  - {mailbox: {of: %s, count: %d}, at: %s}\n", l.addr(g), received[g], ms(checkAt))
	fmt.Fprintf(b, "  - {mailbox: {of: %s, count: 0}}\n", l.addr(g))
	return b.Flush()
}

// ms writes a duration as whole milliseconds, which the format reads.
func ms(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) + "ms" }

func uniq(xs ...int) []int {
	var out []int
	for _, x := range xs {
		if len(out) == 0 || out[len(out)-1] != x {
			out = append(out, x)
		}
	}
	return out
}
