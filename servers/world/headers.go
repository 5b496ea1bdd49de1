package world

import (
	"net/mail"

	"mailsim/servers/env"
)

// readHeader reads the header of a message (mail.ReadMessage); the
// body is not for reading.
func readHeader(data []byte) (mail.Header, error) {
	br := env.LendReader(data)
	defer env.ReturnReader(br)
	msg, err := mail.ReadMessage(br)
	if err != nil {
		return nil, err
	}
	return msg.Header, nil
}
