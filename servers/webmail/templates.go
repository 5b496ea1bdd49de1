package webmail

import (
	"bytes"
	"html/template"
	"net/http"
)

// pageData is what every page template may show. html/template escapes
// every value: a subject like <script> is shown, never run.
type pageData struct {
	ISP, Title, User, CSRF string
	Error, Note            string
	Rows                   []row
	Msg                    *shown
	Draft                  *draft
}

type shown struct {
	UID                           uint32
	From, To, Subject, Date, Body string
}

type draft struct{ To, Subject, Body string }

const layout = `{{define "top"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}} · {{.ISP}} Web Mail</title>
<style>
body{font-family:sans-serif;margin:0;background:#f4f6f8;color:#222}
header{background:#0072b2;color:#fff;padding:.6em 1em;display:flex;justify-content:space-between;align-items:center}
header h1{font-size:1.2em;margin:0} header form{display:inline}
main{max-width:52em;margin:1em auto;background:#fff;padding:1em 1.5em;border-radius:6px;box-shadow:0 1px 3px #0002}
table{border-collapse:collapse;width:100%} td,th{padding:.4em;border-bottom:1px solid #ddd;text-align:left}
tr.unseen td{font-weight:bold} .error{color:#b00020;font-weight:bold} .note{color:#006b3c}
pre{white-space:pre-wrap;font-family:inherit} label{display:block;margin:.5em 0}
input[type=text],input[type=password],textarea{width:100%;padding:.3em;box-sizing:border-box}
button,.button{font:inherit;background:#0072b2;color:#fff;border:0;padding:.4em 1em;border-radius:4px;text-decoration:none;cursor:pointer}
</style></head><body>
<header><h1>{{.ISP}} Web Mail</h1>{{if .User}}<span>{{.User}} ·
<a class="button" href="/inbox">Inbox</a> <a class="button" href="/compose">Write</a>
<form method="post" action="/logout"><input type="hidden" name="csrf" value="{{.CSRF}}"><button>Log out</button></form></span>{{end}}</header>
<main>{{if .Error}}<p class="error">{{.Error}}</p>{{end}}{{if .Note}}<p class="note">{{.Note}}</p>{{end}}
{{end}}
{{define "bottom"}}</main></body></html>
{{end}}`

var pages = template.Must(template.New("layout").Parse(layout + `
{{define "login"}}{{template "top" .}}<h2>Log in</h2>
<form method="post" action="/login"><input type="hidden" name="csrf" value="{{.CSRF}}">
<label>User name <input type="text" name="user" value="{{.User}}" autofocus></label>
<label>Password <input type="password" name="password"></label>
<button>Log in</button></form>
<p>Your mail stays on the server until you delete it.</p>{{template "bottom" .}}{{end}}

{{define "inbox"}}{{template "top" .}}<h2>Inbox</h2>
{{if .Rows}}<table><tr><th>From</th><th>Subject</th><th>Date</th><th></th></tr>
{{range .Rows}}<tr{{if not .Seen}} class="unseen"{{end}}><td>{{.From}}</td>
<td><a href="/read?uid={{.UID}}">{{if .Subject}}{{.Subject}}{{else}}(no subject){{end}}</a></td><td>{{.Date}}</td>
<td><form method="post" action="/delete"><input type="hidden" name="csrf" value="{{$.CSRF}}"><input type="hidden" name="uid" value="{{.UID}}"><button>Delete</button></form></td></tr>
{{end}}</table>{{else}}<p>No messages.</p>{{end}}{{template "bottom" .}}{{end}}

{{define "read"}}{{template "top" .}}{{with .Msg}}<h2>{{.Subject}}</h2>
<p>From: {{.From}}<br>To: {{.To}}<br>Date: {{.Date}}</p><pre>{{.Body}}</pre>
<form method="post" action="/delete"><input type="hidden" name="csrf" value="{{$.CSRF}}"><input type="hidden" name="uid" value="{{.UID}}"><button>Delete</button></form>
<p>This message stays on the server until you delete it.</p>{{end}}{{template "bottom" .}}{{end}}

{{define "compose"}}{{template "top" .}}<h2>Write a message</h2>{{with .Draft}}
<form method="post" action="/send"><input type="hidden" name="csrf" value="{{$.CSRF}}">
<label>To <input type="text" name="to" value="{{.To}}"></label>
<label>Subject <input type="text" name="subject" value="{{.Subject}}"></label>
<label>Message <textarea name="body" rows="10">{{.Body}}</textarea></label>
<button>Send</button></form>{{end}}{{template "bottom" .}}{{end}}

{{define "error"}}{{template "top" .}}<p><a href="/">Back to Web Mail</a></p>{{template "bottom" .}}{{end}}
`))

// page renders a page with its status code.
func (a *App) page(w http.ResponseWriter, code int, name string, d pageData) {
	d.ISP = a.cfg.ISP
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, d); err != nil {
		http.Error(w, "template: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(b.Bytes())
}
