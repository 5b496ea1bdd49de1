// Package assets embeds the window's icons and fonts. Icons are drawn by
// gen_icons.go (go generate); the fonts are the Go fonts (BSD licence, see
// fonts/LICENSE). Plain bytes only: decoding is the window's business.
package assets

import _ "embed"

//go:generate go run gen_icons.go

// Icons, 64×64 PNG with transparency.
var (
	//go:embed icons/pc.png
	PC []byte
	//go:embed icons/server.png
	Server []byte
	//go:embed icons/router.png
	Router []byte
	//go:embed icons/internet.png
	Internet []byte
	//go:embed icons/root.png
	Root []byte
)

// Fonts, TrueType.
var (
	//go:embed fonts/Go-Regular.ttf
	FontRegular []byte
	//go:embed fonts/Go-Bold.ttf
	FontBold []byte
	//go:embed fonts/Go-Mono.ttf
	FontMono []byte
)
