# mailsim: make run opens the window on the default scenario; make test
# runs every test. Both install what they need first (make deps).

GO      ?= go
XVFB    := xvfb-run -a -s "-screen 0 1280x800x24"
export PATH := $(PATH):/usr/local/go/bin

# Debian packages the build and the tests need:
#  - ebiten (the window): cgo, OpenGL and X11 headers, ALSA, pkg-config
#  - a display for window tests and screenshots: Xvfb
#  - real third-party clients the tests drive: swaks, tshark, dig, mpop,
#    fetchmail, postfix's smtp-source, Python's yaml/jsonschema
#  - real browsers: chromium (Web Mail, and the browser version's test)
DEB_PKGS := gcc libc6-dev libgl1-mesa-dev libxcursor-dev libxi-dev libxinerama-dev \
	libxrandr-dev libxxf86vm-dev libasound2-dev pkg-config \
	xvfb xauth libgl1-mesa-dri \
	swaks tshark bind9-dnsutils mpop fetchmail postfix python3 python3-yaml python3-jsonschema \
	chromium

.PHONY: all deps build run web test vet bench fuzz clean

all: build

# Install whichever of DEB_PKGS are missing, as root or through sudo.
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	done); \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing" $$missing; \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		echo 'postfix postfix/main_mailer_type select No configuration' | $$SUDO debconf-set-selections; \
		echo 'wireshark-common wireshark-common/install-setuid boolean false' | $$SUDO debconf-set-selections; \
		$$SUDO apt-get update -qq && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
		echo "make deps: all Debian packages present"; \
	fi

build: deps
	$(GO) build ./...
	CGO_ENABLED=0 $(GO) build -o bin/mailsim ./cmd/mailsim
	$(GO) build -o bin/mailsim-view ./cmd/mailsim-view

# Open the window on the embedded default scenario (Lisa → Bob). The
# window needs an X display; without one it says how to get one.
run: deps
	$(GO) run ./cmd/mailsim-view

# The browser version: a static site in web/ (index.html, wasm_exec.js,
# mailsim.wasm and their .br/.gz); serve it with bin/mailsim web.
web:
	$(GO) run ./cmd/mailsim-view/web -o web

# go vet, gofmt, staticcheck (pinned in go.mod's tool directive) and a
# go.mod/go.sum that go mod tidy would leave alone.
vet:
	$(GO) mod tidy -diff
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }

# Every test, under the race detector, with a virtual X display for the
# window's tests.
test: deps vet
	$(XVFB) $(GO) test -race -count=1 -timeout 30m ./...

# Benchmarks. Whole-process runs (classroom, scale) and window frames run
# once each; the rest with Go's default benchtime.
bench: deps
	$(GO) test -run '^$$' -bench . -benchtime 1x ./cmd/mailsim
	$(XVFB) $(GO) test -run '^$$' -bench . -benchtime 1x ./cmd/mailsim-view/e2e
	$(GO) test -run '^$$' -bench . -benchmem ./sim ./servers/... ./sim/scenario ./cmd/mailsim-view/view

# Short runs of every fuzz target (go test -fuzz takes one at a time),
# one worker each: the machine is shared. FUZZTIME=10m for long runs.
FUZZTIME ?= 20s
FUZZFLAGS = -run '^$$' -parallel 1 -fuzztime $(FUZZTIME)
fuzz:
	$(GO) test $(FUZZFLAGS) -fuzz FuzzSession ./servers/smtp
	$(GO) test $(FUZZFLAGS) -fuzz FuzzRewrite ./servers/smtp
	$(GO) test $(FUZZFLAGS) -fuzz FuzzStore ./servers/store
	$(GO) test $(FUZZFLAGS) -fuzz FuzzCommands ./servers/pop3
	$(GO) test $(FUZZFLAGS) -fuzz FuzzServeUDP ./servers/dns
	$(GO) test $(FUZZFLAGS) -fuzz FuzzRoundTrip ./servers/dns
	$(GO) test $(FUZZFLAGS) -fuzz FuzzCacheRoundTrip ./servers/dns
	$(GO) test $(FUZZFLAGS) -fuzz FuzzParse ./sim/scenario
	$(GO) test $(FUZZFLAGS) -fuzz FuzzJSONString ./sim
	$(GO) test $(FUZZFLAGS) -fuzz FuzzShortReply ./servers/world

clean:
	rm -rf bin web
