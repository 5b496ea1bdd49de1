package view

import (
	"image/color"

	"mailsim/sim"
)

// Proto is what the window calls a segment's protocol, by its port.
type Proto int

// Protocols, in legend order.
const (
	SMTP    Proto = iota // TCP 25 (and 587)
	LMTP                 // TCP 24
	POP3                 // TCP 110
	DNS                  // UDP or TCP 53
	Control              // a TCP segment without payload: SYN, SYN-ACK, bare ACK, FIN, RST
	Other                // anything else
	NumProto
)

// Shape is how a segment of a protocol is drawn.
type Shape int

// Shapes, one per protocol so colour is never the only cue.
const (
	ShapeEnvelope Shape = iota
	ShapeTriangle
	ShapeSquare
	ShapeDiamond
	ShapeDot
	ShapeCircle
)

type protoInfo struct {
	name  string
	port  int
	shape Shape
	color color.RGBA
	what  string
}

// Okabe–Ito palette: distinguishable with every common colour vision
// deficiency; shapes differ too.
var protos = [NumProto]protoInfo{
	SMTP:    {"SMTP", 25, ShapeEnvelope, color.RGBA{0xE6, 0x9F, 0x00, 0xFF}, "mail transfer (envelope)"},
	LMTP:    {"LMTP", 24, ShapeTriangle, color.RGBA{0xCC, 0x79, 0xA7, 0xFF}, "local delivery to POP3 host"},
	POP3:    {"POP3", 110, ShapeSquare, color.RGBA{0x00, 0x72, 0xB2, 0xFF}, "mailbox download"},
	DNS:     {"DNS", 53, ShapeDiamond, color.RGBA{0x00, 0x9E, 0x73, 0xFF}, "name lookup"},
	Control: {"TCP", 0, ShapeDot, color.RGBA{0x66, 0x66, 0x66, 0xFF}, "handshake / ACK / FIN (key T)"},
	Other:   {"other", 0, ShapeCircle, color.RGBA{0x56, 0xB4, 0xE9, 0xFF}, "other traffic"},
}

func (p Proto) String() string { return protos[p].name }

// Port is the well-known port of the protocol, 0 if none.
func (p Proto) Port() int { return protos[p].port }

// Color is the protocol's colour.
func (p Proto) Color() color.RGBA { return protos[p].color }

// Shape is the protocol's shape.
func (p Proto) Shape() Shape { return protos[p].shape }

// Describe says in a few words what the protocol does, for the legend.
func (p Proto) Describe() string { return protos[p].what }

// Classify names the protocol of a hop by its ports; payload-less TCP
// segments are Control whatever their ports.
func Classify(e *sim.Event) Proto {
	if e.Proto == "tcp" && len(e.Payload) == 0 {
		return Control
	}
	return ByPort(e.Src.Port(), e.Dst.Port())
}

// ByPort names the protocol of a conversation between two ports.
func ByPort(src, dst uint16) Proto {
	for _, p := range []uint16{dst, src} {
		switch p {
		case 25, 587:
			return SMTP
		case 24:
			return LMTP
		case 110:
			return POP3
		case 53:
			return DNS
		}
	}
	return Other
}

// ServicePort is the well-known port of the conversation (25, 110, 53,
// 24), or the destination port if neither end has one.
func ServicePort(e *sim.Event) uint16 {
	p := ByPort(e.Src.Port(), e.Dst.Port())
	if pp := p.Port(); pp != 0 {
		if e.Src.Port() == 587 || e.Dst.Port() == 587 {
			return 587
		}
		return uint16(pp)
	}
	return e.Dst.Port()
}

// FromClient reports whether the segment goes from the client (the side
// without the well-known port) to the server.
func FromClient(e *sim.Event) bool {
	return int(e.Dst.Port()) == int(ServicePort(e))
}
