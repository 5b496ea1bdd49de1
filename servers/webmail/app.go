package webmail

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"sync"
	"time"

	"mailsim/servers/env"
	"mailsim/servers/imap"
	"mailsim/servers/mua"
)

// Config is what one ISP's Web Mail needs.
type Config struct {
	Env     env.Env
	ISP     string            // shown in the title: "comentum"
	IMAP    string            // host:port of the IMAP server
	SMTP    string            // host:port of the submission server
	Address map[string]string // login → the user's mail address
	Timeout time.Duration     // for the IMAP and SMTP servers; 0: a minute
	Track   env.StepFunc      // receives what happens to messages: read, deleted, sent
}

// App is the Web Mail application: an http.Handler.
type App struct {
	cfg Config
	mux *http.ServeMux

	mu       sync.Mutex // handlers of different connections take turns, but say so
	sessions map[string]*session
}

// session is one browser's login. Like Roundcube, Web Mail keeps the
// password for the session, to log in to IMAP and SMTP for each page.
type session struct {
	user, password string // "" before login
	csrf           string
	note           string // shown once on the next page: "Message sent."
}

// cookieName names the session cookie.
const cookieName = "webmail_session"

// New returns the application for cfg.
func New(cfg Config) *App {
	if cfg.Timeout == 0 {
		cfg.Timeout = time.Minute
	}
	a := &App{cfg: cfg, mux: http.NewServeMux(), sessions: map[string]*session{}}
	a.mux.HandleFunc("GET /{$}", a.front)
	a.mux.HandleFunc("GET /login", a.loginPage)
	a.mux.HandleFunc("POST /login", a.login)
	a.mux.HandleFunc("GET /inbox", a.loggedIn(a.inbox))
	a.mux.HandleFunc("GET /read", a.loggedIn(a.read))
	a.mux.HandleFunc("GET /compose", a.loggedIn(a.compose))
	a.mux.HandleFunc("POST /send", a.loggedIn(a.checked(a.send)))
	a.mux.HandleFunc("POST /delete", a.loggedIn(a.checked(a.delete)))
	a.mux.HandleFunc("POST /logout", a.loggedIn(a.checked(a.logout)))
	return a
}

func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	a.mux.ServeHTTP(w, r)
}

// token is a fresh random token from the host's seeded source.
func (a *App) token() string {
	r := a.cfg.Env.Rand()
	return fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64())
}

// session finds the browser's session, or starts one (with a cookie).
func (a *App) session(w http.ResponseWriter, r *http.Request) *session {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, err := r.Cookie(cookieName); err == nil {
		if s := a.sessions[c.Value]; s != nil {
			return s
		}
	}
	id := a.token()
	s := &session{csrf: a.token()}
	a.sessions[id] = s
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return s
}

type handler func(w http.ResponseWriter, r *http.Request, s *session)

// loggedIn sends browsers without a login to the login page.
func (a *App) loggedIn(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s := a.session(w, r)
		if s.user == "" {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		h(w, r, s)
	}
}

// checked refuses a form without the session's CSRF token: another site
// cannot make the browser send or delete mail.
func (a *App) checked(h handler) handler {
	return func(w http.ResponseWriter, r *http.Request, s *session) {
		if !validToken(r.PostFormValue("csrf"), s.csrf) {
			a.page(w, http.StatusForbidden, "error", pageData{Title: "Refused", Error: "This form has expired or did not come from Web Mail. Go back, reload and try again."})
			return
		}
		h(w, r, s)
	}
}

func validToken(got, want string) bool {
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (a *App) front(w http.ResponseWriter, r *http.Request) {
	if s := a.session(w, r); s.user != "" {
		http.Redirect(w, r, "/inbox", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (a *App) loginPage(w http.ResponseWriter, r *http.Request) {
	s := a.session(w, r)
	a.page(w, http.StatusOK, "login", pageData{Title: "Log in", CSRF: s.csrf})
}

// login checks the password the way Roundcube does: by logging in to
// the IMAP server with it.
func (a *App) login(w http.ResponseWriter, r *http.Request) {
	s := a.session(w, r)
	if !validToken(r.PostFormValue("csrf"), s.csrf) {
		a.page(w, http.StatusForbidden, "login", pageData{Title: "Log in", CSRF: s.csrf, Error: "The login form expired. Please try again."})
		return
	}
	user, pass := r.PostFormValue("user"), r.PostFormValue("password")
	c, err := a.imapLogin(user, pass)
	if err != nil {
		msg := "Wrong user name or password."
		if _, no := err.(*imap.Error); !no {
			msg = "The mail server is not answering: " + err.Error()
		}
		a.cfg.Env.Logf("Web Mail: login of %q refused: %v", user, err)
		a.page(w, http.StatusForbidden, "login", pageData{Title: "Log in", CSRF: s.csrf, User: user, Error: msg})
		return
	}
	c.Logout()
	a.mu.Lock()
	s.user, s.password, s.csrf = user, pass, a.token()
	a.mu.Unlock()
	http.Redirect(w, r, "/inbox", http.StatusSeeOther)
}

// imapLogin connects to the IMAP server and logs in.
func (a *App) imapLogin(user, pass string) (*imap.Client, error) {
	nc, err := a.cfg.Env.Dial(context.Background(), "tcp", a.cfg.IMAP)
	if err != nil {
		return nil, err
	}
	c, err := imap.NewClient(nc, a.cfg.Env, a.cfg.Timeout)
	if err != nil {
		nc.Close()
		return nil, err
	}
	if err := c.Login(user, pass); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// mailbox opens INBOX for the session's user.
func (a *App) mailbox(s *session) (*imap.Client, int, error) {
	c, err := a.imapLogin(s.user, s.password)
	if err != nil {
		return nil, 0, err
	}
	n, err := c.Select("INBOX")
	if err != nil {
		c.Close()
		return nil, 0, err
	}
	return c, n, nil
}

func (a *App) serverError(w http.ResponseWriter, s *session, err error) {
	a.cfg.Env.Logf("Web Mail: %v", err)
	a.page(w, http.StatusBadGateway, "error", pageData{Title: "Mail server trouble", User: s.user, CSRF: s.csrf,
		Error: "Web Mail could not reach the mail server: " + err.Error()})
}

// submitter is a mail program on the Web Mail host that sends as the
// user through submission, logging in with the user's password.
func (a *App) submitter(s *session) *mua.Program {
	addr := a.cfg.Address[s.user]
	if addr == "" {
		addr = s.user
	}
	p := mua.New(a.cfg.Env, mua.Account{
		Name: mua.DisplayName(addr), Address: addr, Username: s.user, Password: s.password,
		SMTPServer: a.cfg.SMTP, UseAuth: true, ServerTimeout: a.cfg.Timeout,
	})
	p.Track(a.cfg.Track)
	return p
}
