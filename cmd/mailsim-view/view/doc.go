// Package view holds everything the mailsim window shows that does not
// need a display: the automatic layout of a scenario's topology, the
// camera, the log of hop events and the animation state derived from it
// (which segments are in flight at a virtual time, and where), the two
// clocks (Pace maps presentation time to virtual time: story pace or
// real time), the letters (each message with its subject, from the
// journeys), the marks (stopped services, refused connections), the
// expectations' results, the event list with its protocol filter,
// conversation transcripts and a packet's layers, the plain-language
// captions and story line, the palette with its contrast check, and the
// player (play, pause, step, speed, scrubbing, restart). The ebiten
// program in cmd/mailsim-view only reads this state in Draw and calls
// its methods from Update.
//
// Protocols shown: SMTP (RFC 5321, TCP port 25), LMTP (RFC 2033, TCP port
// 24), POP3 (RFC 1939, TCP port 110) and DNS (RFC 1035, port 53), plus
// the TCP segments that carry no payload (RFC 9293 handshake, FIN, bare
// ACK). Virtual time only: nothing here reads the wall clock.
package view
