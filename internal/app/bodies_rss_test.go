package app_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// TestLargeBodiesKeepMemoryFlat is the body-limit benchmark (BENCHMARKS.md,
// "Large request bodies"): it builds psu, runs `psu serve` as its own
// process, and sends 50 concurrent 100 MiB bodies to every route that takes
// a body, in every way a client can (length declared or chunked, as a
// visitor and as an applicant whose draft reads what it is sent, shaped as
// the route expects and as multipart), sampling the server's resident
// memory throughout. It fails when the peak reaches 150 MB. It runs only
// when PSU_BODY_BENCH=1: it keeps both cores busy for a minute or two per
// engine.
func TestLargeBodiesKeepMemoryFlat(t *testing.T) {
	if os.Getenv("PSU_BODY_BENCH") != "1" {
		t.Skip("set PSU_BODY_BENCH=1 to run the large-body memory benchmark")
	}
	const (
		clients  = 50
		bodySize = 100 << 20
		ceiling  = 150 << 20
	)
	bin := filepath.Join(t.TempDir(), "psu")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/psu").CombinedOutput(); err != nil {
		t.Fatalf("build psu: %v\n%s", err, out)
	}
	// The route table of this build, read from one started in-process.
	routes := bodyRoutes(apptest.Start(t, store.SQLite))

	eachEngine(t, func(t *testing.T, e store.Engine) {
		srv := startProcess(t, bin, storetest.URL(t, e))
		applicant := apptest.NewClient(t, srv.url)
		eligibleApplicant(t, applicant)
		base, _ := url.Parse(srv.url)
		cookies := applicant.Jar.Cookies(base)
		for i := 0; i < 20; i++ { // warm: pages, sessions, the search index
			applicant.Get("/services?q=burnout")
			applicant.Get("/apply/documents")
		}
		time.Sleep(2 * time.Second)
		idle := srv.memory(t, "VmRSS")
		srv.resetPeak(t)

		var peak int64
		stop := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			for {
				if m := srv.memory(t, "VmRSS"); m > peak {
					peak = m
				}
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
				}
			}
		}()
		tr := &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: clients, DisableCompression: true}
		defer tr.CloseIdleConnections()
		hc := &http.Client{Transport: tr, Timeout: 5 * time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		start := time.Now()
		statuses := map[string]int{}
		var mu sync.Mutex
		sent := 0
		for _, rt := range routes {
			method, path := concrete(rt.Pattern)
			for _, who := range []string{"visitor", "applicant"} {
				for _, chunked := range []bool{false, true} {
					for _, multipart := range []bool{false, true} {
						var wg sync.WaitGroup
						for i := 0; i < clients; i++ {
							wg.Add(1)
							go func() {
								defer wg.Done()
								body, ct := filler(rt.Pattern, bodySize)
								if multipart {
									ct = "multipart/form-data; boundary=b"
								}
								req, _ := http.NewRequest(method, srv.url+path, io.NopCloser(body))
								req.Header.Set("Content-Type", ct)
								req.ContentLength = bodySize
								if chunked {
									req.ContentLength = -1
								}
								if who == "applicant" {
									for _, c := range cookies {
										req.AddCookie(c)
									}
								}
								key := "connection closed while sending"
								if res, err := hc.Do(req); err == nil {
									io.Copy(io.Discard, res.Body)
									res.Body.Close()
									key = strconv.Itoa(res.StatusCode)
								}
								mu.Lock()
								statuses[key]++
								mu.Unlock()
							}()
						}
						wg.Wait()
						sent += clients
					}
				}
			}
		}
		elapsed := time.Since(start)
		close(stop)
		<-sampled
		hwm := srv.memory(t, "VmHWM")
		if err := srv.healthy(); err != nil {
			t.Errorf("psu after the load: %v", err)
		}
		t.Logf("%s: %d routes, %d requests of 100 MiB in %s, answers %v", e, len(routes), sent, elapsed.Round(time.Second), statuses)
		t.Logf("%s: RSS idle (floor) %.1f MB; under load: peak sampled %.1f MB, peak (VmHWM) %.1f MB", e, mb(idle), mb(peak), mb(hwm))
		if hwm >= ceiling || peak >= ceiling {
			t.Errorf("%s: peak RSS %.1f MB, want under %.0f MB", e, mb(max(hwm, peak)), mb(ceiling))
		}
		for k := range statuses {
			if strings.HasPrefix(k, "5") && k != "503" {
				t.Errorf("%s: %d answers %s", e, statuses[k], k)
			}
		}
	})
}

func mb(b int64) float64 { return float64(b) / 1e6 }

// process is `psu serve` running as its own process.
type process struct {
	cmd *exec.Cmd
	url string
}

func startProcess(t *testing.T, bin, dbURL string, env ...string) *process {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "PSU_ADDR="+addr, "PSU_DATA_DIR="+t.TempDir(), "PSU_DATABASE_URL="+dbURL, "PSU_LOG_LEVEL=error")
	cmd.Env = append(cmd.Env, env...)
	out, _ := cmd.StdoutPipe()
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, out)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if l := sc.Text(); !strings.Contains(l, "level=ERROR msg=request") {
				t.Log(l)
			}
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	p := &process{cmd: cmd, url: "http://" + addr}
	deadline := time.Now().Add(60 * time.Second)
	for p.healthy() != nil {
		if time.Now().After(deadline) {
			t.Fatal("psu did not become ready")
		}
		time.Sleep(50 * time.Millisecond)
	}
	return p
}

func (p *process) healthy() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.url+"/readyz", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("readyz %d", res.StatusCode)
	}
	return nil
}

// memory reads one of the process's memory figures (VmRSS, VmHWM), in bytes.
func (p *process) memory(t *testing.T, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		t.Fatalf("memory of psu: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, p.cmd.Process.Pid)
	return 0
}

// resetPeak starts VmHWM again from the current RSS, so the peak measured
// is the load's, not start-up's.
func (p *process) resetPeak(t *testing.T) {
	if err := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", p.cmd.Process.Pid), []byte("5"), 0); err != nil {
		t.Logf("cannot reset the peak (%v): VmHWM includes start-up", err)
	}
}
