package mua

import (
	"bufio"
	"errors"
	"net"
	"net/textproto"
)

// ErrHungUp is why a send with Account.HangUpInData failed.
var ErrHungUp = errors.New("the mail program hung up in the middle of the message")

// hangUpInData sends the first half of msg, dot-stuffed as DATA wants
// it but without the final ".", straight on the connection, and closes
// it: what a server sees when a client vanishes mid-transfer.
func hangUpInData(nc net.Conn, msg []byte) error {
	bw := bufio.NewWriter(nc)
	dw := textproto.NewWriter(bw).DotWriter()
	dw.Write(msg[:len(msg)/2]) // never closed: Close would end DATA
	bw.Flush()
	nc.Close()
	return ErrHungUp
}
