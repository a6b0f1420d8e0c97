package web

import (
	"testing"
	"time"
)

func TestWaitWords(t *testing.T) {
	for d, want := range map[time.Duration]string{
		10 * time.Second: "a minute", time.Minute: "a minute", 61 * time.Second: "2 minutes",
		45 * time.Minute: "45 minutes", 119 * time.Minute: "119 minutes", 2 * time.Hour: "2 hours", 150 * time.Minute: "3 hours",
	} {
		if got := WaitWords(d); got != want {
			t.Errorf("WaitWords(%s) = %q, want %q", d, got, want)
		}
	}
}
