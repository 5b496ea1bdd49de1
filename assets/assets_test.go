package assets

import (
	"bytes"
	"image/png"
	"testing"
)

func TestIconsDecode(t *testing.T) {
	for name, b := range map[string][]byte{"pc": PC, "server": Server, "router": Router, "internet": Internet, "root": Root} {
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if r := img.Bounds(); r.Dx() != 64 || r.Dy() != 64 {
			t.Errorf("%s: %v, want 64×64", name, r)
		}
		if _, _, _, a := img.At(32, 32).RGBA(); a == 0 {
			t.Errorf("%s: centre pixel transparent", name)
		}
	}
}

func TestFonts(t *testing.T) {
	for name, b := range map[string][]byte{"regular": FontRegular, "bold": FontBold, "mono": FontMono} {
		// TrueType files start with the sfnt version 0x00010000.
		if len(b) < 4 || !bytes.Equal(b[:4], []byte{0, 1, 0, 0}) {
			t.Errorf("%s font: not a TrueType file", name)
		}
	}
}
