package world

import (
	"bufio"
	"bytes"
	"net/mail"
	"sync"
)

// headerReaders lends the 4 KiB buffered readers that reading a stored
// message's header needs: mail.ReadMessage takes a *bufio.Reader of
// that size as it is, instead of allocating one per message.
var headerReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}

// readHeader reads the header of a message (mail.ReadMessage); the
// body is not for reading.
func readHeader(data []byte) (mail.Header, error) {
	br := headerReaders.Get().(*bufio.Reader)
	br.Reset(bytes.NewReader(data))
	msg, err := mail.ReadMessage(br)
	br.Reset(nil)
	headerReaders.Put(br)
	if err != nil {
		return nil, err
	}
	return msg.Header, nil
}
