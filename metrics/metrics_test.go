package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/almalinux/alesco/metrics"
)

// BenchmarkHTTP is what counting costs a request: the wrapped handler
// against the bare one (compare with BenchmarkFeed's ~tens of µs).
func BenchmarkHTTP(b *testing.B) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /calendar/{file}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotModified) })
	req := httptest.NewRequest(http.MethodGet, "/calendar/alesco.ics", nil)
	w := httptest.NewRecorder()
	for name, h := range map[string]http.Handler{"bare": mux, "counted": metrics.New().HTTP(mux)} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, req)
			}
		})
	}
}
