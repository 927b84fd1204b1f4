package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func env(values map[string]string) func(string) string {
	return func(name string) string { return values[name] }
}

func TestConfigDefaults(t *testing.T) {
	config, err := ConfigFromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if config.Version != "dev" || config.Port != "8080" || config.MetricsPort != "9101" ||
		config.ErrorRate != 0 || config.ShutdownDelay != 5*time.Second {
		t.Fatalf("unexpected defaults: %+v", config)
	}
}

func TestConfigRejectsBadValues(t *testing.T) {
	for _, values := range []map[string]string{
		{"ERROR_RATE": "1.5"}, {"ERROR_RATE": "-0.1"}, {"ERROR_RATE": "beaucoup"}, {"ERROR_RATE": "NaN"},
		{"PORT": "http"}, {"METRICS_PORT": "70000"}, {"SHUTDOWN_DELAY": "5"},
	} {
		if _, err := ConfigFromEnv(env(values)); err == nil {
			t.Errorf("%v: accepted", values)
		}
	}
}

func TestFailsNowKeepsTheRate(t *testing.T) {
	for _, rate := range []float64{0, 0.1, 0.25, 0.5, 1} {
		failures := 0
		for n := int64(1); n <= 1000; n++ {
			if failsNow(n, rate) {
				failures++
			}
		}
		if want := int(rate * 1000); failures != want {
			t.Errorf("rate %g: %d failures in 1000 requests, want %d", rate, failures, want)
		}
	}
}

func TestHomeAnswersVersionAndHost(t *testing.T) {
	app := NewApp(Config{Version: "2.0"}, "goprom-abc")
	response := httptest.NewRecorder()
	app.Handler().ServeHTTP(response, httptest.NewRequest("GET", "/", nil))
	if response.Code != 200 || response.Body.String() != "goprom 2.0 sur goprom-abc\n" {
		t.Fatalf("got %d %q", response.Code, response.Body.String())
	}
	if response.Header().Get("X-Goprom-Version") != "2.0" {
		t.Fatalf("missing version header: %v", response.Header())
	}
}

func TestErrorRateGives500(t *testing.T) {
	app := NewApp(Config{Version: "2.1", ErrorRate: 0.5}, "h")
	codes := map[int]int{}
	for i := 0; i < 10; i++ {
		response := httptest.NewRecorder()
		app.Handler().ServeHTTP(response, httptest.NewRequest("GET", "/", nil))
		codes[response.Code]++
	}
	if codes[200] != 5 || codes[500] != 5 {
		t.Fatalf("codes: %v", codes)
	}
}

func TestMetricsText(t *testing.T) {
	app := NewApp(Config{Version: "1.0"}, "h")
	for _, path := range []string{"/", "/", "/nulle-part", "/healthz"} {
		app.Handler().ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
	}
	response := httptest.NewRecorder()
	app.MetricsHandler().ServeHTTP(response, httptest.NewRequest("GET", "/metrics", nil))
	text := response.Body.String()
	for _, line := range []string{
		"# TYPE http_requests_total counter",
		`http_requests_total{code="200",path="/",version="1.0"} 2`,
		`http_requests_total{code="404",path="other",version="1.0"} 1`,
		"# TYPE http_request_duration_seconds histogram",
		`http_request_duration_seconds_bucket{path="/",version="1.0",le="+Inf"} 2`,
		`http_request_duration_seconds_count{path="/",version="1.0"} 2`,
	} {
		if !strings.Contains(text, line+"\n") {
			t.Errorf("missing line %q in:\n%s", line, text)
		}
	}
	if strings.Contains(text, "healthz") {
		t.Errorf("probes must not be counted:\n%s", text)
	}
	if !strings.HasPrefix(response.Header().Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Errorf("content type: %q", response.Header().Get("Content-Type"))
	}
}

func TestEscapeLabel(t *testing.T) {
	if got := escapeLabel("a\"b\\c\nd"); got != `a\"b\\c\nd` {
		t.Fatalf("got %q", got)
	}
}

func freePort(t *testing.T) string {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	_, port, _ := net.SplitHostPort(listener.Addr().String())
	return port
}

func TestRunStopsGracefully(t *testing.T) {
	config := Config{Version: "1.0", Port: freePort(t), MetricsPort: freePort(t), ShutdownDelay: 300 * time.Millisecond}
	app := NewApp(config, "h")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Run(ctx) }()
	url := "http://127.0.0.1:" + config.Port + "/healthz"
	deadline := time.Now().Add(5 * time.Second)
	for {
		response, err := http.Get(url)
		if err == nil {
			response.Body.Close()
			if response.StatusCode != 200 {
				t.Fatalf("healthz before stop: %d", response.StatusCode)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	time.Sleep(100 * time.Millisecond)
	response, err := http.Get(url)
	if err != nil {
		t.Fatalf("the server must still answer during the shutdown delay: %v", err)
	}
	response.Body.Close()
	if response.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("healthz while stopping: %d", response.StatusCode)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
	}
}
