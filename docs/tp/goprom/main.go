// goprom: the sample application of the deployment strategies TP.
//
// It answers on one port with its version and the name of its host (the Pod),
// and publishes Prometheus metrics on a second port, so that the traffic each
// version receives can be followed during an update. It uses the standard
// library only.
//
// Environment:
//
//	VERSION         version shown and put in the metrics' `version` label (default "dev")
//	PORT            port of the application (default 8080)
//	METRICS_PORT    port of /metrics (default 9101)
//	ERROR_RATE      share of the requests to / answered with HTTP 500, 0 to 1 (default 0)
//	SHUTDOWN_DELAY  on SIGTERM, time during which /healthz answers 503 before the server stops (default 5s)
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"math"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// durationBuckets are the upper bounds (seconds) of the request duration histogram.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}

// Config is what the environment sets.
type Config struct {
	Version       string
	Port          string
	MetricsPort   string
	ErrorRate     float64
	ShutdownDelay time.Duration
}

// ConfigFromEnv reads the configuration, or says which variable is wrong.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	config := Config{
		Version:       valueOr(getenv("VERSION"), "dev"),
		Port:          valueOr(getenv("PORT"), "8080"),
		MetricsPort:   valueOr(getenv("METRICS_PORT"), "9101"),
		ShutdownDelay: 5 * time.Second,
	}
	if text := getenv("ERROR_RATE"); text != "" {
		rate, err := strconv.ParseFloat(text, 64)
		if err != nil || math.IsNaN(rate) || rate < 0 || rate > 1 {
			return config, fmt.Errorf("ERROR_RATE=%q: expected a number between 0 and 1", text)
		}
		config.ErrorRate = rate
	}
	if text := getenv("SHUTDOWN_DELAY"); text != "" {
		delay, err := time.ParseDuration(text)
		if err != nil || delay < 0 {
			return config, fmt.Errorf("SHUTDOWN_DELAY=%q: expected a duration such as 5s", text)
		}
		config.ShutdownDelay = delay
	}
	for name, port := range map[string]string{"PORT": config.Port, "METRICS_PORT": config.MetricsPort} {
		if number, err := strconv.Atoi(port); err != nil || number < 1 || number > 65535 {
			return config, fmt.Errorf("%s=%q: expected a port number", name, port)
		}
	}
	return config, nil
}

func valueOr(value, fallback string) string {
	if value == "" {
		return fallback
	}
	return value
}

// Metrics holds the counters and the histogram, and writes them in the
// Prometheus text exposition format (version 0.0.4).
type Metrics struct {
	version string
	mutex   sync.Mutex
	// requests counts the answered requests by (path, code).
	requests map[[2]string]uint64
	// durations: per path, one count per bucket (not cumulative), the sum and the count.
	durations map[string]*histogram
}

type histogram struct {
	buckets []uint64
	sum     float64
	count   uint64
}

// NewMetrics gives empty metrics for one version.
func NewMetrics(version string) *Metrics {
	return &Metrics{version: version, requests: map[[2]string]uint64{}, durations: map[string]*histogram{}}
}

// Observe records one answered request.
func (m *Metrics) Observe(path string, code int, seconds float64) {
	m.mutex.Lock()
	defer m.mutex.Unlock()
	m.requests[[2]string{path, strconv.Itoa(code)}]++
	h := m.durations[path]
	if h == nil {
		h = &histogram{buckets: make([]uint64, len(durationBuckets))}
		m.durations[path] = h
	}
	for i, bound := range durationBuckets {
		if seconds <= bound {
			h.buckets[i]++
			break
		}
	}
	h.sum += seconds
	h.count++
}

// WriteText writes every metric, series sorted so that the output is stable.
func (m *Metrics) WriteText(out *strings.Builder) {
	m.mutex.Lock()
	defer m.mutex.Unlock()
	version := escapeLabel(m.version)

	out.WriteString("# HELP goprom_info Version of the running goprom, always 1.\n")
	out.WriteString("# TYPE goprom_info gauge\n")
	fmt.Fprintf(out, "goprom_info{version=\"%s\"} 1\n", version)

	out.WriteString("# HELP http_requests_total HTTP requests answered, by path and status code.\n")
	out.WriteString("# TYPE http_requests_total counter\n")
	keys := make([][2]string, 0, len(m.requests))
	for key := range m.requests {
		keys = append(keys, key)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i][0] < keys[j][0] || (keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1])
	})
	for _, key := range keys {
		fmt.Fprintf(out, "http_requests_total{code=\"%s\",path=\"%s\",version=\"%s\"} %d\n",
			key[1], escapeLabel(key[0]), version, m.requests[key])
	}

	out.WriteString("# HELP http_request_duration_seconds Time to answer an HTTP request, by path.\n")
	out.WriteString("# TYPE http_request_duration_seconds histogram\n")
	paths := make([]string, 0, len(m.durations))
	for path := range m.durations {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		h := m.durations[path]
		labels := fmt.Sprintf("path=\"%s\",version=\"%s\"", escapeLabel(path), version)
		var cumulative uint64
		for i, bound := range durationBuckets {
			cumulative += h.buckets[i]
			fmt.Fprintf(out, "http_request_duration_seconds_bucket{%s,le=\"%s\"} %d\n",
				labels, strconv.FormatFloat(bound, 'g', -1, 64), cumulative)
		}
		fmt.Fprintf(out, "http_request_duration_seconds_bucket{%s,le=\"+Inf\"} %d\n", labels, h.count)
		fmt.Fprintf(out, "http_request_duration_seconds_sum{%s} %s\n", labels, strconv.FormatFloat(h.sum, 'g', -1, 64))
		fmt.Fprintf(out, "http_request_duration_seconds_count{%s} %d\n", labels, h.count)
	}
}

// escapeLabel escapes a label value as the text format requires.
func escapeLabel(value string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(value)
}

// App is the application: its handlers and its state.
type App struct {
	config   Config
	hostname string
	metrics  *Metrics
	served   atomic.Int64 // requests to / so far, to spread the errors evenly
	stopping atomic.Bool  // set on SIGTERM: /healthz answers 503
}

// NewApp builds the application for a configuration.
func NewApp(config Config, hostname string) *App {
	return &App{config: config, hostname: hostname, metrics: NewMetrics(config.Version)}
}

// failsNow says whether request number n (1, 2, …) must fail: exactly
// floor(n × rate) of the first n requests fail, so the rate holds over any run.
func failsNow(n int64, rate float64) bool {
	return math.Floor(float64(n)*rate) > math.Floor(float64(n-1)*rate)
}

// Handler serves the application port: /, /healthz, and 404 for the rest.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", a.measured("/", a.home))
	mux.HandleFunc("/healthz", a.healthz) // not counted: probes would hide the users' traffic
	return mux
}

// MetricsHandler serves the metrics port.
func (a *App) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		var text strings.Builder
		a.metrics.WriteText(&text)
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		_, _ = w.Write([]byte(text.String()))
	})
	return mux
}

// statusRecorder remembers the status code a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}

// measured counts and times every request of a handler; unknown paths count as "other".
func (a *App) measured(path string, handler http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		recorder := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		handler(recorder, r)
		label := path
		if r.URL.Path != path {
			label = "other"
		}
		a.metrics.Observe(label, recorder.code, time.Since(start).Seconds())
	}
}

func (a *App) home(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Goprom-Version", a.config.Version)
	if failsNow(a.served.Add(1), a.config.ErrorRate) {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "goprom %s sur %s : erreur volontaire\n", a.config.Version, a.hostname)
		return
	}
	fmt.Fprintf(w, "goprom %s sur %s\n", a.config.Version, a.hostname)
}

func (a *App) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if a.stopping.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, "arret en cours")
		return
	}
	fmt.Fprintln(w, "ok")
}

// Run serves both ports until ctx is done, then stops gracefully: /healthz
// answers 503 during ShutdownDelay (so the Pod leaves the Service's endpoints
// while it still answers), then the servers finish the requests in progress.
func (a *App) Run(ctx context.Context) error {
	servers := []*http.Server{
		{Addr: ":" + a.config.Port, Handler: a.Handler(), ReadHeaderTimeout: 5 * time.Second},
		{Addr: ":" + a.config.MetricsPort, Handler: a.MetricsHandler(), ReadHeaderTimeout: 5 * time.Second},
	}
	failed := make(chan error, len(servers))
	for _, server := range servers {
		go func(server *http.Server) {
			if err := server.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
				failed <- err
			}
		}(server)
	}
	log.Printf("goprom %s: application on :%s, metrics on :%s/metrics, error rate %g",
		a.config.Version, a.config.Port, a.config.MetricsPort, a.config.ErrorRate)
	select {
	case err := <-failed:
		return err
	case <-ctx.Done():
	}
	a.stopping.Store(true)
	log.Printf("stopping: /healthz answers 503 for %s, then the servers stop", a.config.ShutdownDelay)
	time.Sleep(a.config.ShutdownDelay)
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, server := range servers {
		if err := server.Shutdown(shutdown); err != nil {
			return err
		}
	}
	return nil
}

func main() {
	log.SetFlags(log.LstdFlags | log.LUTC)
	config, err := ConfigFromEnv(os.Getenv)
	if err != nil {
		log.Fatal(err)
	}
	hostname, err := os.Hostname()
	if err != nil {
		hostname = "inconnu"
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := NewApp(config, hostname).Run(ctx); err != nil {
		log.Fatal(err)
	}
	log.Print("stopped")
}
