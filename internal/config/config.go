// Package config reads psu's settings from the environment, validates them in
// one place and hands a typed Config to the constructors that need it.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is every setting psu reads. It is built once by Load and passed in;
// nothing reads the environment after start-up.
type Config struct {
	Addr            string
	DataDir         string
	DatabaseURL     string
	BaseURL         *url.URL
	KeyFile         string
	MigrateOnStart  bool
	LogLevel        slog.Level
	TrustedProxies  []netip.Prefix
	ShutdownTimeout time.Duration
	SMTP            SMTP
}

// SMTP holds outgoing mail settings. When Host is empty, mail is written as
// .eml files into MailDir instead of being sent, so a newcomer can read it.
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	// TLS is "starttls" (default on port 587 and 25), "tls" (implicit, port
	// 465) or "none" (plain; only for a local test receiver).
	TLS     string
	MailDir string
}

// Secure reports whether psu is served over https, which turns on HSTS and
// Secure cookies.
func (c Config) Secure() bool { return c.BaseURL.Scheme == "https" }

// Var describes one environment variable for the README table and --help.
type Var struct{ Name, Default, Meaning string }

// Vars lists every variable Load reads, in the order the README shows them.
var Vars = []Var{
	{"PSU_ADDR", "localhost:8080", "Address and port the web server listens on."},
	{"PSU_DATA_DIR", "./data", "Folder for the SQLite database, the generated key and mail files."},
	{"PSU_DATABASE_URL", "sqlite://$PSU_DATA_DIR/psu.db", "Database. A postgres:// URL selects PostgreSQL."},
	{"PSU_BASE_URL", "http://$PSU_ADDR", "Public address of the service, used in links in e-mails. https turns on HSTS and Secure cookies."},
	{"PSU_KEY_FILE", "$PSU_DATA_DIR/psu.key", "Data-encryption key (32 random bytes, hex). Generated with mode 0600 on first run when the default path is missing."},
	{"PSU_MIGRATE_ON_START", "true", "Apply database migrations when psu serve starts."},
	{"PSU_LOG_LEVEL", "info", "debug, info, warn or error."},
	{"PSU_TRUSTED_PROXIES", "(none)", "Comma-separated CIDR ranges of load balancers whose X-Forwarded-For is believed."},
	{"PSU_SHUTDOWN_TIMEOUT", "10s", "How long in-flight requests may finish after SIGTERM."},
	{"PSU_SMTP_URL", "(none)", "smtp://user:password@host:587 (STARTTLS), smtps://…:465 (TLS) or smtp://host:1025?tls=none. Unset: mail is written to $PSU_DATA_DIR/mail/."},
	{"PSU_SMTP_HOST, _PORT, _USERNAME, _PASSWORD, _TLS", "(none)", "The same as separate variables; PSU_SMTP_PASSWORD_FILE reads the password from a file."},
	{"PSU_SMTP_URL_FILE", "(none)", "Reads PSU_SMTP_URL from a file (for secrets managers)."},
	{"PSU_MAIL_FROM", "psu@<host of PSU_BASE_URL>", "Sender address of every e-mail."},
}

// Load builds a Config from getenv. The first problem found is returned as an
// error that names the variable and says what is wrong.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:            or(getenv("PSU_ADDR"), "localhost:8080"),
		DataDir:         or(getenv("PSU_DATA_DIR"), "./data"),
		ShutdownTimeout: 10 * time.Second,
		MigrateOnStart:  true,
	}
	if _, port, err := net.SplitHostPort(c.Addr); err != nil || port == "" {
		return c, fmt.Errorf("PSU_ADDR %q: want host:port, for example localhost:8080", c.Addr)
	}

	c.DatabaseURL = getenv("PSU_DATABASE_URL")
	if c.DatabaseURL == "" {
		c.DatabaseURL = "sqlite://" + filepath.ToSlash(filepath.Join(c.DataDir, "psu.db"))
	}
	if !strings.HasPrefix(c.DatabaseURL, "sqlite://") && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return c, fmt.Errorf("PSU_DATABASE_URL: must start with sqlite:// or postgres://")
	}

	base := getenv("PSU_BASE_URL")
	if base == "" {
		base = "http://" + c.Addr
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("PSU_BASE_URL %q: want an absolute http:// or https:// address", base)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	c.BaseURL = u

	c.KeyFile = getenv("PSU_KEY_FILE")

	if v := getenv("PSU_MIGRATE_ON_START"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return c, fmt.Errorf("PSU_MIGRATE_ON_START %q: want true or false", v)
		}
		c.MigrateOnStart = b
	}
	if v := getenv("PSU_LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, fmt.Errorf("PSU_LOG_LEVEL %q: want debug, info, warn or error", v)
		}
	}
	if v := getenv("PSU_SHUTDOWN_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("PSU_SHUTDOWN_TIMEOUT %q: want a positive duration such as 10s", v)
		}
		c.ShutdownTimeout = d
	}
	if v := getenv("PSU_TRUSTED_PROXIES"); v != "" {
		for _, part := range strings.Split(v, ",") {
			p, err := netip.ParsePrefix(strings.TrimSpace(part))
			if err != nil {
				return c, fmt.Errorf("PSU_TRUSTED_PROXIES: %q is not a CIDR range such as 10.0.0.0/8", strings.TrimSpace(part))
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	if c.SMTP, err = loadSMTP(getenv, c.BaseURL.Hostname()); err != nil {
		return c, err
	}
	c.SMTP.MailDir = filepath.Join(c.DataDir, "mail")
	return c, nil
}

func loadSMTP(getenv func(string) string, host string) (SMTP, error) {
	s := SMTP{From: getenv("PSU_MAIL_FROM")}
	if s.From == "" {
		s.From = "psu@" + host
	}
	if !strings.Contains(s.From, "@") {
		return s, fmt.Errorf("PSU_MAIL_FROM %q: want an e-mail address", s.From)
	}
	raw, err := secret(getenv, "PSU_SMTP_URL")
	if err != nil {
		return s, err
	}
	if raw != "" {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			return s, errors.New("PSU_SMTP_URL: want smtp://user:password@host:port or smtps://…")
		}
		s.Host = u.Hostname()
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
		s.TLS = u.Query().Get("tls")
		if u.Scheme == "smtps" {
			s.TLS = "tls"
		}
		if p := u.Port(); p != "" {
			if s.Port, err = strconv.Atoi(p); err != nil {
				return s, errors.New("PSU_SMTP_URL: the port is not a number")
			}
		}
	} else {
		s.Host = getenv("PSU_SMTP_HOST")
		s.Username = getenv("PSU_SMTP_USERNAME")
		s.TLS = getenv("PSU_SMTP_TLS")
		if s.Password, err = secret(getenv, "PSU_SMTP_PASSWORD"); err != nil {
			return s, err
		}
		if p := getenv("PSU_SMTP_PORT"); p != "" {
			if s.Port, err = strconv.Atoi(p); err != nil || s.Port <= 0 || s.Port > 65535 {
				return s, fmt.Errorf("PSU_SMTP_PORT %q: want a port number", p)
			}
		}
	}
	if s.Host == "" {
		return s, nil
	}
	switch s.TLS {
	case "":
		s.TLS = "starttls"
		if s.Port == 465 {
			s.TLS = "tls"
		}
	case "starttls", "tls", "none":
	default:
		return s, fmt.Errorf("PSU_SMTP_TLS %q: want starttls, tls or none", s.TLS)
	}
	if s.Port == 0 {
		s.Port = map[string]int{"starttls": 587, "tls": 465, "none": 25}[s.TLS]
	}
	return s, nil
}

// secret reads NAME, or the file named by NAME_FILE; setting both is an error.
func secret(getenv func(string) string, name string) (string, error) {
	v, file := getenv(name), getenv(name+"_FILE")
	if file == "" {
		return v, nil
	}
	if v != "" {
		return "", fmt.Errorf("%s and %s_FILE are both set: keep one", name, name)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: cannot read %s", name, file)
	}
	return strings.TrimSpace(string(b)), nil
}

// Redacted returns the settings as key/value pairs safe to log: passwords and
// database credentials are replaced.
func (c Config) Redacted() []any {
	db := c.DatabaseURL
	if u, err := url.Parse(db); err == nil && u.User != nil {
		u.User = url.User("redacted")
		db = u.String()
	}
	smtp := "files in " + c.SMTP.MailDir
	if c.SMTP.Host != "" {
		smtp = fmt.Sprintf("%s:%d (%s)", c.SMTP.Host, c.SMTP.Port, c.SMTP.TLS)
	}
	return []any{"addr", c.Addr, "data_dir", c.DataDir, "database", db, "base_url", c.BaseURL.String(),
		"migrate_on_start", c.MigrateOnStart, "smtp", smtp}
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
