// Command replay is the floor for psu's page benchmarks: it fetches each
// path once from a running psu, as a browser asks (Accept-Encoding: gzip,
// deflate, br, zstd), and then serves the very same status, headers and
// (compressed) bytes from memory, so what psu costs beyond sending them is
// what a benchmark against both measures.
//
// Usage: replay LISTEN-ADDR PSU-BASE-URL PATH...
package main

import (
	"io"
	"log"
	"net/http"
	"os"
)

type response struct {
	status int
	header http.Header
	body   []byte
}

func main() {
	if len(os.Args) < 4 {
		log.Fatal("usage: replay LISTEN-ADDR PSU-BASE-URL PATH...")
	}
	addr, base := os.Args[1], os.Args[2]
	c := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	saved := map[string]response{}
	for _, p := range os.Args[3:] {
		req, err := http.NewRequest("GET", base+p, nil)
		if err != nil {
			log.Fatal(err)
		}
		req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
		res, err := c.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			log.Fatal(err)
		}
		h := res.Header.Clone()
		h.Del("Date")
		h.Del("Content-Length")
		h.Del("Set-Cookie")
		saved[p] = response{res.StatusCode, h, body}
		log.Printf("%s: %d, %s, %d bytes", p, res.StatusCode, h.Get("Content-Encoding"), len(body))
	}
	log.Fatal(http.ListenAndServe(addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := saved[r.URL.RequestURI()]
		if !ok {
			http.NotFound(w, r)
			return
		}
		for k, v := range s.header {
			w.Header()[k] = v
		}
		w.WriteHeader(s.status)
		w.Write(s.body)
	})))
}
