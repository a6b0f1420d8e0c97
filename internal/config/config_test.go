package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsWorkForANewcomer(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "localhost:8080" || c.DataDir != "./data" || c.DatabaseURL != "sqlite://data/psu.db" ||
		c.BaseURL.String() != "http://localhost:8080" || !c.MigrateOnStart || c.SMTP.Host != "" || c.Secure() {
		t.Errorf("defaults: %+v", c)
	}
}

func TestInvalidSettingsNameTheVariable(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"PSU_ADDR": "8080"}, "PSU_ADDR"},
		{map[string]string{"PSU_DATABASE_URL": "mysql://x"}, "PSU_DATABASE_URL"},
		{map[string]string{"PSU_BASE_URL": "ftp://x"}, "PSU_BASE_URL"},
		{map[string]string{"PSU_MIGRATE_ON_START": "perhaps"}, "PSU_MIGRATE_ON_START"},
		{map[string]string{"PSU_LOG_LEVEL": "loud"}, "PSU_LOG_LEVEL"},
		{map[string]string{"PSU_SHUTDOWN_TIMEOUT": "-1s"}, "PSU_SHUTDOWN_TIMEOUT"},
		{map[string]string{"PSU_TRUSTED_PROXIES": "10.0.0.0/8,nope"}, "PSU_TRUSTED_PROXIES"},
		{map[string]string{"PSU_SMTP_URL": "http://x"}, "PSU_SMTP_URL"},
		{map[string]string{"PSU_SMTP_HOST": "m", "PSU_SMTP_PORT": "99999"}, "PSU_SMTP_PORT"},
		{map[string]string{"PSU_SMTP_HOST": "m", "PSU_SMTP_TLS": "maybe"}, "PSU_SMTP_TLS"},
		{map[string]string{"PSU_SMTP_PASSWORD": "a", "PSU_SMTP_PASSWORD_FILE": "/x"}, "PSU_SMTP_PASSWORD"},
		{map[string]string{"PSU_SMTP_URL_FILE": "/no/such/file"}, "PSU_SMTP_URL_FILE"},
		{map[string]string{"PSU_MAIL_FROM": "nobody"}, "PSU_MAIL_FROM"},
	} {
		_, err := Load(env(tc.env))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want it to start with %s", tc.env, err, tc.want)
		}
	}
}

func TestSMTPFromURLAndFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "smtp")
	os.WriteFile(file, []byte("smtps://u:p%40ss@mail.example\n"), 0o600)
	c, err := Load(env(map[string]string{"PSU_SMTP_URL_FILE": file, "PSU_BASE_URL": "https://psu.example.org/"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP.Host != "mail.example" || c.SMTP.Port != 465 || c.SMTP.TLS != "tls" || c.SMTP.Username != "u" || c.SMTP.Password != "p@ss" || c.SMTP.From != "psu@psu.example.org" || !c.Secure() {
		t.Errorf("smtp: %+v", c.SMTP)
	}
	for _, kv := range c.Redacted() {
		if s, ok := kv.(string); ok && strings.Contains(s, "p@ss") {
			t.Error("password in the redacted settings")
		}
	}
}

// The README's configuration table lists every variable psu reads.
func TestREADMEListsEveryVariable(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range Vars {
		for _, name := range strings.Split(v.Name, ", ") {
			if !strings.HasPrefix(name, "PSU_") {
				name = "PSU_SMTP" + name
			}
			if !strings.Contains(string(b), "`"+name+"`") {
				t.Errorf("README.md does not list %s", name)
			}
		}
	}
}
