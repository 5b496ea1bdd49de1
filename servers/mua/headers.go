package mua

import (
	"bufio"
	"bytes"
	"sync"

	"github.com/emersion/go-message/textproto"
)

// headerReaders lends the buffered readers that reading a message's
// header needs, instead of allocating 4 KiB for every message sent or
// downloaded.
var headerReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4096) }}

// readHeader reads the header of a message.
func readHeader(data []byte) (textproto.Header, error) {
	br := headerReaders.Get().(*bufio.Reader)
	br.Reset(bytes.NewReader(data))
	h, err := textproto.ReadHeader(br)
	br.Reset(nil)
	headerReaders.Put(br)
	return h, err
}
