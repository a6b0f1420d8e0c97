package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/psu-project/psu/internal/apptest"
	"github.com/psu-project/psu/internal/store"
	"github.com/psu-project/psu/internal/store/storetest"
)

// TestLoad is the load proof (SECURITY.md, BENCHMARKS.md "Load"). It builds
// psu, fills a database with psu demo, runs `psu serve` as its own process
// behind a trusted "proxy" (each connection comes from an address of its
// own), and holds PSU_LOAD_CONNS connections open (500), each sending a mix
// of public pages, searches, submissions and staff pages, with a pause
// between requests (exponential, mean PSU_LOAD_THINK, 5s: a person reads
// a page before the next; 500 of them make about 100 requests a second), for
// PSU_LOAD_DURATION (5m) on each engine. It fails on any error (a transport
// failure or an answer other than the one a person would get) and, on
// SQLite, when peak RSS reaches 150 MB; it logs the table for BENCHMARKS.md.
// /healthz, in the mix, is the floor: the same server, connection and
// middleware with no work behind it.
//
//	PSU_LOAD=1 PSU_TEST_DATABASE_URL=postgres://… go test -run TestLoad -v -timeout 60m ./internal/app/
func TestLoad(t *testing.T) {
	if os.Getenv("PSU_LOAD") != "1" {
		t.Skip("set PSU_LOAD=1 to run the load proof (5 minutes per engine)")
	}
	conns := envInt(t, "PSU_LOAD_CONNS", 500)
	dur := envDuration(t, "PSU_LOAD_DURATION", 5*time.Minute)
	think := envDuration(t, "PSU_LOAD_THINK", 5*time.Second)
	cases := envInt(t, "PSU_LOAD_CASES", 5000)
	const ceiling = 150 << 20

	bin := filepath.Join(t.TempDir(), "psu")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/psu").CombinedOutput(); err != nil {
		t.Fatalf("build psu: %v\n%s", err, out)
	}
	eachEngine(t, func(t *testing.T, e store.Engine) {
		dbURL := storetest.URL(t, e)
		d := fillDemo(t, dbURL, cases)
		srv := startProcess(t, bin, dbURL, "PSU_KEY_FILE="+d.keyFile, "PSU_TRUSTED_PROXIES=127.0.0.0/8")

		lead := apptest.NewClient(t, srv.url)
		lead.SignIn(d.lead)
		adviser := apptest.NewClient(t, srv.url)
		adviser.SignIn(d.adviser)
		base, _ := url.Parse(srv.url)
		services := serviceIDs(t, srv.url)
		mix := loadMix(d, services, lead.Jar.Cookies(base), adviser.Jar.Cookies(base))

		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		for _, r := range mix { // warm: templates, the search index, the pools
			for i := 0; i < 3; i++ {
				if err := r.send(srv.url, noFollow, "10.255.0.1", 900000+i); err != nil {
					t.Fatalf("warm-up %s: %v", r.name, err)
				}
			}
		}
		time.Sleep(time.Second)
		idle := srv.memory(t, "VmRSS")
		srv.resetPeak(t)

		var peak atomic.Int64
		stop := make(chan struct{})
		sampled := make(chan struct{})
		go func() {
			defer close(sampled)
			for {
				if m := srv.memory(t, "VmRSS"); m > peak.Load() {
					peak.Store(m)
				}
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
				}
			}
		}()

		total := 0
		for _, r := range mix {
			total += r.weight
		}
		results := make([][]sample, conns)
		var errs sync.Map // route name → first error
		var errCount atomic.Int64
		var seq atomic.Int64
		deadline := time.Now().Add(dur)
		var wg sync.WaitGroup
		for w := 0; w < conns; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// One connection each, kept open between requests.
				tr := &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1, IdleConnTimeout: 10 * time.Minute}
				defer tr.CloseIdleConnections()
				hc := &http.Client{Transport: tr, Timeout: time.Minute, CheckRedirect: noFollow.CheckRedirect}
				rng := rand.New(rand.NewPCG(uint64(w), 42))
				from := fmt.Sprintf("10.%d.%d.%d", 1+w/65536, w/256%256, w%256)
				// Spread the start so the first second is not a stampede.
				time.Sleep(time.Duration(rng.Int64N(int64(think) + 1)))
				for time.Now().Before(deadline) {
					pick := rng.IntN(total)
					var r *loadRoute
					for i := range mix {
						if pick < mix[i].weight {
							r = &mix[i]
							break
						}
						pick -= mix[i].weight
					}
					t0 := time.Now()
					err := r.send(srv.url, hc, from, int(seq.Add(1)))
					results[w] = append(results[w], sample{r.name, time.Since(t0), err != nil})
					if err != nil {
						errCount.Add(1)
						errs.LoadOrStore(r.name, err.Error())
					}
					time.Sleep(time.Duration(rng.ExpFloat64() * float64(think)))
				}
			}()
		}
		wg.Wait()
		close(stop)
		<-sampled
		hwm := srv.memory(t, "VmHWM")
		goMem := goMemory(srv.url)
		if err := srv.healthy(); err != nil {
			t.Errorf("psu after the load: %v", err)
		}

		byRoute := map[string][]time.Duration{}
		failed := map[string]int{}
		n := 0
		for _, rs := range results {
			for _, s := range rs {
				byRoute[s.route] = append(byRoute[s.route], s.took)
				if s.failed {
					failed[s.route]++
				}
				n++
			}
		}
		ms := func(d time.Duration) string { return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) }
		var table strings.Builder
		fmt.Fprintf(&table, "%s, %d cases, %d connections, %s, mean pause %s: %d requests (%.0f/s), %d errors\n",
			e, d.cases, conns, dur, think, n, float64(n)/dur.Seconds(), errCount.Load())
		fmt.Fprintf(&table, "| route | requests | errors | p50 ms | p99 ms | max ms |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
		for _, r := range mix {
			ts := byRoute[r.name]
			if len(ts) == 0 {
				continue
			}
			slices.Sort(ts)
			fmt.Fprintf(&table, "| %s | %d | %d | %s | %s | %s |\n", r.name, len(ts), failed[r.name],
				ms(ts[len(ts)/2]), ms(ts[min(len(ts)-1, len(ts)*99/100)]), ms(ts[len(ts)-1]))
		}
		fmt.Fprintf(&table, "RSS: idle %.1f MB; under load peak sampled %.1f MB, peak (VmHWM) %.1f MB; at the end %s\n", mb(idle), mb(peak.Load()), mb(hwm), goMem)
		t.Log("\n" + table.String())
		errs.Range(func(k, v any) bool {
			t.Errorf("%s: %d failed, the first: %s", k, failed[k.(string)], v)
			return true
		})
		if e == store.SQLite && max(hwm, peak.Load()) >= ceiling {
			t.Errorf("peak RSS %.1f MB, want under %.0f MB", mb(max(hwm, peak.Load())), mb(ceiling))
		}
	})
}

type sample struct {
	route  string
	took   time.Duration
	failed bool
}

// loadRoute is one kind of request in the mix, with how often it comes and
// the answer a person would get.
type loadRoute struct {
	name   string
	weight int
	// request builds the i-th request of this kind.
	request func(base string, i int) *http.Request
	want    int
	// fresh gives each request an address of its own, as when many
	// different people submit; rate limits per address then see each
	// once, as they would.
	fresh bool
}

func (r loadRoute) send(base string, hc *http.Client, from string, i int) error {
	req := r.request(base, i)
	if r.fresh {
		from = fmt.Sprintf("172.%d.%d.%d", 16+i>>16%16, i>>8%256, i%256)
	}
	req.Header.Set("X-Forwarded-For", from)
	res, err := hc.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != r.want {
		return fmt.Errorf("%s %s: %d, want %d", req.Method, req.URL.RequestURI(), res.StatusCode, r.want)
	}
	return nil
}

// searches are what trainees type into the directory's search.
var searches = []string{"burnout", "exam", "dyslexia", "bullying", "money", "stress", "return to training",
	"career", "sleep", "anxiety", "ARCP", "complaint", "pregnant", "visa", "counselling", "addiction"}

func loadMix(d demoData, services []string, leadCookies, adviserCookies []*http.Cookie) []loadRoute {
	get := func(path func(i int) string, cookies []*http.Cookie) func(string, int) *http.Request {
		return func(base string, i int) *http.Request {
			req, _ := http.NewRequest(http.MethodGet, base+path(i), nil)
			for _, c := range cookies {
				req.AddCookie(c)
			}
			return req
		}
	}
	fixed := func(p string) func(int) string { return func(int) string { return p } }
	post := func(path, ct string, body func(i int) []byte) func(string, int) *http.Request {
		return func(base string, i int) *http.Request {
			req, _ := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(body(i)))
			req.Header.Set("Content-Type", ct)
			return req
		}
	}
	notice := func(i int) []byte {
		return []byte(url.Values{
			"referrer_name": {"Dr Load Referrer"}, "referrer_role": {"Educational supervisor"},
			"referrer_organisation": {"Load Test Trust"}, "referrer_email": {fmt.Sprintf("referrer%d@example.nhs.uk", i)},
			"trainee_name": {"Load Trainee"}, "trainee_email": {fmt.Sprintf("trainee%d@example.org", i)},
			"reason": {"Finding the exams hard this year."}, "trainee_told": {"yes"}, "website": {""},
		}.Encode())
	}
	decision, _ := json.Marshal(map[string]any{"region": "london", "profession": "doctor", "programme": "core", "training_number": true})
	return []loadRoute{
		{name: "GET /healthz (floor)", weight: 4, request: get(fixed("/healthz"), nil), want: 200},
		{name: "GET / (home)", weight: 12, request: get(fixed("/"), nil), want: 200},
		{name: "GET /services?q= (search)", weight: 20, request: get(func(i int) string {
			return "/services?q=" + url.QueryEscape(searches[i%len(searches)])
		}, nil), want: 200},
		{name: "GET /services/{id}", weight: 10, request: get(func(i int) string { return "/services/" + services[i%len(services)] }, nil), want: 200},
		{name: "GET /api/hsds/services", weight: 3, request: get(fixed("/api/hsds/services?per_page=10"), nil), want: 200},
		{name: "GET /reading", weight: 2, request: get(fixed("/reading"), nil), want: 200},
		{name: "GET /eligibility", weight: 5, request: get(fixed("/eligibility"), nil), want: 200},
		{name: "GET /apply", weight: 3, request: get(fixed("/apply"), nil), want: 200},
		{name: "POST /api/v1/eligibility (submission)", weight: 4, fresh: true,
			request: post("/api/v1/eligibility", "application/json", func(int) []byte { return decision }), want: 200},
		{name: "POST /referrers/notify (submission)", weight: 2, fresh: true,
			request: post("/referrers/notify", "application/x-www-form-urlencoded", notice), want: 303},
		{name: "POST /apply/start (submission)", weight: 2, fresh: true,
			request: post("/apply/start", "application/x-www-form-urlencoded", func(int) []byte { return nil }), want: 303},
		{name: "GET /staff (lead)", weight: 2, request: get(fixed("/staff"), leadCookies), want: 200},
		{name: "GET /cases (lead)", weight: 5, request: get(fixed("/cases"), leadCookies), want: 200},
		{name: "GET /cases?status=new (lead)", weight: 3, request: get(fixed("/cases?status=new"), leadCookies), want: 200},
		{name: "GET /cases/{ref} (lead)", weight: 5, request: get(func(i int) string { return "/cases/" + d.leadRefs[i%len(d.leadRefs)] }, leadCookies), want: 200},
		{name: "GET /cases (adviser)", weight: 3, request: get(fixed("/cases"), adviserCookies), want: 200},
		{name: "GET /cases/{ref} (adviser)", weight: 3, request: get(func(i int) string { return "/cases/" + d.adviserRefs[i%len(d.adviserRefs)] }, adviserCookies), want: 200},
	}
}

// serviceIDs reads the directory's service identifiers from its HSDS API.
func serviceIDs(t *testing.T, base string) []string {
	res, err := http.Get(base + "/api/hsds/services?per_page=50")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var page struct {
		Contents []struct {
			ID string `json:"id"`
		} `json:"contents"`
	}
	if err := json.NewDecoder(res.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range page.Contents {
		ids = append(ids, s.ID)
	}
	if len(ids) == 0 {
		t.Fatal("the directory has no services")
	}
	return ids
}

func envInt(t *testing.T, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a whole number above 0", name, s)
	}
	return n
}

func envDuration(t *testing.T, name string, def time.Duration) time.Duration {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		t.Fatalf("%s=%q: want a duration such as 5m", name, s)
	}
	return d
}

// goMemory reads the Go runtime's own account of its memory from /metrics
// (served to loopback), to tell the heap from the rest of the RSS.
func goMemory(base string) string {
	res, err := http.Get(base + "/metrics")
	if err != nil {
		return "no /metrics: " + err.Error()
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		for _, m := range []string{"go_memstats_sys_bytes", "go_memstats_heap_sys_bytes", "go_memstats_heap_inuse_bytes", "go_memstats_stack_inuse_bytes", "process_resident_memory_bytes"} {
			if v, ok := strings.CutPrefix(line, m+" "); ok {
				f, _ := strconv.ParseFloat(v, 64)
				out = append(out, fmt.Sprintf("%s %.1f MB", strings.TrimSuffix(strings.TrimPrefix(m, "go_memstats_"), "_bytes"), f/1e6))
			}
		}
	}
	return strings.Join(out, ", ")
}
