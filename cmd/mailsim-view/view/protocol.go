package view

import (
	"image/color"

	"mailsim/servers/service"
	"mailsim/sim"
)

// Proto is what the window calls a segment's protocol: one per service
// of the service table, in its order, then Control and Other.
type Proto int

// Shape is how a segment of a protocol is drawn (the service table's).
type Shape = service.Shape

// Shapes.
const (
	ShapeEnvelope = service.ShapeEnvelope
	ShapeTriangle = service.ShapeTriangle
	ShapeSquare   = service.ShapeSquare
	ShapeDiamond  = service.ShapeDiamond
	ShapeDot      = service.ShapeDot
	ShapeCircle   = service.ShapeCircle
	ShapeHexagon  = service.ShapeHexagon
	ShapePage     = service.ShapePage
)

type protoInfo struct {
	spec  *service.Spec // nil for Control and Other
	name  string
	shape Shape
	color color.RGBA
	what  string
}

var protos, byKind = buildProtos()

// Control (a TCP segment without payload: SYN, SYN-ACK, bare ACK, FIN,
// RST) and Other (anything else) follow the services.
var (
	Control  = Proto(len(service.All()))
	Other    = Control + 1
	NumProto = int(Other) + 1
)

func buildProtos() ([]protoInfo, map[service.Kind]Proto) {
	var ps []protoInfo
	idx := map[service.Kind]Proto{}
	for _, s := range service.All() {
		idx[s.Kind] = Proto(len(ps))
		ps = append(ps, protoInfo{spec: s, name: s.Name, shape: s.Shape, color: s.Color, what: s.Legend})
	}
	return append(ps,
		protoInfo{name: "TCP", shape: ShapeDot, color: color.RGBA{0x66, 0x66, 0x66, 0xFF}, what: "handshake / ACK / FIN (key T)"},
		protoInfo{name: "other", shape: ShapeCircle, color: color.RGBA{0xBB, 0xBB, 0xBB, 0xFF}, what: "other traffic"},
	), idx
}

// ProtoOf is the window's protocol of a service kind.
func ProtoOf(k service.Kind) Proto { return byKind[k] }

// Services are the protocols of the service table, in its order.
func Services() []Proto {
	out := make([]Proto, Control)
	for i := range out {
		out[i] = Proto(i)
	}
	return out
}

func (p Proto) String() string { return protos[p].name }

// Spec is the protocol's service declaration, nil for Control and Other.
func (p Proto) Spec() *service.Spec { return protos[p].spec }

// Port is the well-known port of the protocol, 0 if none.
func (p Proto) Port() int {
	if s := protos[p].spec; s != nil {
		return int(s.Port())
	}
	return 0
}

// Color is the protocol's colour.
func (p Proto) Color() color.RGBA { return protos[p].color }

// Shape is the protocol's shape.
func (p Proto) Shape() Shape { return protos[p].shape }

// Describe says in a few words what the protocol does, for the legend.
func (p Proto) Describe() string { return protos[p].what }

// Key is the key that shows or hides the protocol, "" if none.
func (p Proto) Key() string {
	if s := protos[p].spec; s != nil {
		return s.Key
	}
	return ""
}

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
	if s := service.OfConversation(src, dst); s != nil {
		return byKind[s.Kind]
	}
	return Other
}

// ServicePort is the well-known port of the conversation (25, 110, 53,
// …), or the destination port if neither end has one.
func ServicePort(e *sim.Event) uint16 {
	if s := service.ByPort(e.Dst.Port()); s != nil {
		return e.Dst.Port()
	}
	if s := service.ByPort(e.Src.Port()); s != nil {
		return e.Src.Port()
	}
	return e.Dst.Port()
}

// FromClient reports whether the segment goes from the client (the side
// without the well-known port) to the server.
func FromClient(e *sim.Event) bool {
	return e.Dst.Port() == ServicePort(e)
}
