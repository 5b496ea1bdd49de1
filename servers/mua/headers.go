package mua

import (
	"github.com/emersion/go-message/textproto"

	"mailsim/servers/env"
)

// readHeader reads the header of a message.
func readHeader(data []byte) (textproto.Header, error) {
	br := env.LendReader(data)
	defer env.ReturnReader(br)
	return textproto.ReadHeader(br)
}
