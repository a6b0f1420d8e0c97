// Package mailtest runs a real SMTP server in the test process and records
// what it receives, so tests see mail exactly as a mail server would.
package mailtest

import (
	"bytes"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Mail is one received message.
type Mail struct {
	From    string
	To      []string
	Raw     []byte
	Header  mail.Header
	Body    string
	Subject string
}

// Server is a recording SMTP server on 127.0.0.1.
type Server struct {
	Host string
	Port int

	srv *smtp.Server
	ln  net.Listener

	mu     sync.Mutex
	mails  []Mail
	reject bool
	notify chan struct{}
}

// Start starts a server that stops when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{notify: make(chan struct{}, 1)}
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout = 10 * time.Second
	s.srv.WriteTimeout = 10 * time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.ln = ln
	s.Host = "127.0.0.1"
	s.Port = ln.Addr().(*net.TCPAddr).Port
	go s.srv.Serve(ln)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// URL is the PSU_SMTP_URL for this server.
func (s *Server) URL() string {
	return "smtp://" + net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) + "?tls=none"
}

// Reject makes the server refuse (true) or accept (false) every message.
func (s *Server) Reject(r bool) {
	s.mu.Lock()
	s.reject = r
	s.mu.Unlock()
}

// Mails returns a copy of everything received so far.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// Wait returns once at least n messages have arrived, or fails the test.
func (s *Server) Wait(t testing.TB, n int, within time.Duration) []Mail {
	t.Helper()
	deadline := time.After(within)
	for {
		if m := s.Mails(); len(m) >= n {
			return m
		}
		select {
		case <-s.notify:
		case <-deadline:
			t.Fatalf("waited %s for %d mails, got %d", within, n, len(s.Mails()))
		}
	}
}

// WaitFor returns the first message, among those received from index
// from on, that match accepts, waiting for it, or fails the test.
func (s *Server) WaitFor(t testing.TB, from int, within time.Duration, match func(Mail) bool) Mail {
	t.Helper()
	deadline := time.After(within)
	for {
		m := s.Mails()
		for i := from; i < len(m); i++ {
			if match(m[i]) {
				return m[i]
			}
		}
		select {
		case <-s.notify:
		case <-deadline:
			t.Fatalf("waited %s for a matching mail; got %d mails", within, len(m))
		}
	}
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s    *Server
	from string
	to   []string
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.reject {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Mail{From: x.from, To: x.to, Raw: raw}
	if msg, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		m.Header = msg.Header
		b, _ := io.ReadAll(msg.Body)
		m.Body = decodeBody(msg.Header, b)
		m.Subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	}
	x.s.mu.Lock()
	x.s.mails = append(x.s.mails, m)
	x.s.mu.Unlock()
	select {
	case x.s.notify <- struct{}{}:
	default:
	}
	return nil
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

func decodeBody(h mail.Header, b []byte) string {
	if strings.EqualFold(h.Get("Content-Transfer-Encoding"), "quoted-printable") {
		out, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(b)))
		if err == nil {
			return string(out)
		}
	}
	return string(b)
}
