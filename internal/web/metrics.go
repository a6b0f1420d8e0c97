package web

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/psu-project/psu/internal/store"
)

type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newHTTPMetrics(reg *prometheus.Registry, db *store.DB) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "psu_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "psu_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.latency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		dbCollector{db})
	return m
}

func (m *httpMetrics) observe(route, method string, status int, d time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
}

// dbCollector reports both connection pools at scrape time.
type dbCollector struct{ db *store.DB }

var (
	dbOpen    = prometheus.NewDesc("psu_db_connections_open", "Open database connections.", []string{"pool"}, nil)
	dbInUse   = prometheus.NewDesc("psu_db_connections_in_use", "Database connections in use.", []string{"pool"}, nil)
	dbWaits   = prometheus.NewDesc("psu_db_wait_total", "Times a request waited for a database connection.", []string{"pool"}, nil)
	dbWaitSec = prometheus.NewDesc("psu_db_wait_seconds_total", "Time spent waiting for database connections.", []string{"pool"}, nil)
)

func (c dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- dbOpen
	ch <- dbInUse
	ch <- dbWaits
	ch <- dbWaitSec
}

func (c dbCollector) Collect(ch chan<- prometheus.Metric) {
	r, w := c.db.Stats()
	type poolStats struct {
		open, inUse int
		waits       int64
		wait        time.Duration
	}
	pools := map[string]poolStats{"reader": {r.OpenConnections, r.InUse, r.WaitCount, r.WaitDuration}, "writer": {w.OpenConnections, w.InUse, w.WaitCount, w.WaitDuration}}
	if c.db.Engine() == store.Postgres { // one pool serves both
		pools = map[string]poolStats{"shared": pools["writer"]}
	}
	for pool, st := range pools {
		ch <- prometheus.MustNewConstMetric(dbOpen, prometheus.GaugeValue, float64(st.open), pool)
		ch <- prometheus.MustNewConstMetric(dbInUse, prometheus.GaugeValue, float64(st.inUse), pool)
		ch <- prometheus.MustNewConstMetric(dbWaits, prometheus.CounterValue, float64(st.waits), pool)
		ch <- prometheus.MustNewConstMetric(dbWaitSec, prometheus.CounterValue, st.wait.Seconds(), pool)
	}
}
