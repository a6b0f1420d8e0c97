package mail

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	gomail "github.com/wneessen/go-mail"

	"github.com/psu-project/psu/internal/config"
)

func build(e Envelope) (*gomail.Msg, error) {
	m := gomail.NewMsg()
	if err := m.From(e.From); err != nil {
		return nil, err
	}
	if err := m.To(e.To); err != nil {
		return nil, err
	}
	m.Subject(e.Subject)
	m.SetMessageIDWithValue(e.MessageID)
	m.SetDateWithValue(e.Date)
	m.SetBodyString(gomail.TypeTextPlain, e.Text)
	if c := e.Calendar; c != nil {
		// The calendar goes twice, as calendar invitations usually do: as
		// an alternative to the text, which mail programs read as the
		// invitation itself (RFC 6047), and as invite.ics, a file any
		// calendar opens when the mail program does not understand the
		// invitation. Base64 keeps its CRLF line ends exactly.
		m.AddAlternativeString(gomail.ContentType("text/calendar; method="+c.Method), string(c.Data),
			gomail.WithPartEncoding(gomail.EncodingB64))
		if err := m.AttachReader("invite.ics", bytes.NewReader(c.Data),
			gomail.WithFileContentType(gomail.ContentType("application/ics")), gomail.WithFileEncoding(gomail.EncodingB64)); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// SMTPSender delivers through an SMTP server.
type SMTPSender struct{ cfg config.SMTP }

// NewSMTPSender returns a sender for cfg; cfg.Host must be set.
func NewSMTPSender(cfg config.SMTP) *SMTPSender { return &SMTPSender{cfg: cfg} }

func (s *SMTPSender) Send(ctx context.Context, e Envelope) error {
	m, err := build(e)
	if err != nil {
		return err
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port)}
	switch s.cfg.TLS {
	case "tls":
		opts = append(opts, gomail.WithSSL())
	case "none":
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, m)
}

// DirSender writes each message as an .eml file named by its Message-ID, for
// development machines without a mail server. A retried message overwrites
// its own file.
type DirSender struct{ Dir string }

func (d DirSender) Send(_ context.Context, e Envelope) error {
	m, err := build(e)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(d.Dir, 0o700); err != nil {
		return err
	}
	name := filepath.Join(d.Dir, e.Date.Format("20060102-150405")+"-"+e.MessageID[:36]+".eml")
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := m.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	return f.Close()
}
