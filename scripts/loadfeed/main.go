// Command loadfeed is a small, bounded load test for alesco's iCal feeds. It
// only talks to loopback addresses, runs for at most a minute with at most
// 64 concurrent clients, and prints throughput and latency percentiles.
//
// Usage (see docs/calendar.md):
//
//	go run ./cmd/alesco serve --db /tmp/alesco-load.db --addr 127.0.0.1:8099 &
//	go run ./scripts/loadfeed -url 'http://127.0.0.1:8099/calendar/alesco.ics' -c 8 -d 10s
//	go run ./scripts/loadfeed -url 'http://127.0.0.1:8099/calendar/alesco.ics' -c 8 -d 10s -conditional
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"time"
)

func main() {
	target := flag.String("url", "http://127.0.0.1:8080/calendar/alesco.ics", "feed URL (loopback only)")
	clients := flag.Int("c", 4, "concurrent clients (1..64)")
	duration := flag.Duration("d", 10*time.Second, "how long to run (at most 1m)")
	conditional := flag.Bool("conditional", false, "send If-None-Match with the feed's ETag (measures 304s)")
	flag.Parse()
	if err := run(*target, *clients, *duration, *conditional); err != nil {
		fmt.Fprintln(os.Stderr, "loadfeed:", err)
		os.Exit(1)
	}
}

func run(target string, clients int, d time.Duration, conditional bool) error {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("bad -url %q", target)
	}
	ips, err := net.LookupIP(u.Hostname())
	if err != nil {
		return fmt.Errorf("resolve %s: %w", u.Hostname(), err)
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return fmt.Errorf("refusing %s: it resolves to %s, which is not a loopback address", u.Hostname(), ip)
		}
	}
	if clients < 1 || clients > 64 {
		return fmt.Errorf("-c %d: want 1..64", clients)
	}
	if d <= 0 || d > time.Minute {
		return fmt.Errorf("-d %s: want at most 1m", d)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}

	resp, err := client.Get(target)
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", target, resp.Status)
	}
	etag := resp.Header.Get("ETag")
	fmt.Printf("target %s: %d bytes, ETag %s\n", target, len(body), etag)

	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	type result struct {
		lat    []time.Duration
		status map[int]int
		bytes  int64
		errs   int
	}
	results := make([]result, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range clients {
		wg.Add(1)
		go func(r *result) {
			defer wg.Done()
			r.status = map[int]int{}
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
				if conditional {
					req.Header.Set("If-None-Match", etag)
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						r.errs++
					}
					continue
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				r.lat = append(r.lat, time.Since(t0))
				r.status[resp.StatusCode]++
				r.bytes += n
			}
		}(&results[i])
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	status := map[int]int{}
	var bytes int64
	errs := 0
	for _, r := range results {
		all = append(all, r.lat...)
		for k, v := range r.status {
			status[k] += v
		}
		bytes += r.bytes
		errs += r.errs
	}
	slices.Sort(all)
	pct := func(p float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		return all[min(len(all)-1, int(float64(len(all))*p))]
	}
	fmt.Printf("%d clients, %s: %d requests, %.0f req/s, %.1f MB/s, statuses %v, errors %d\n",
		clients, elapsed.Round(time.Millisecond), len(all), float64(len(all))/elapsed.Seconds(),
		float64(bytes)/elapsed.Seconds()/1e6, status, errs)
	fmt.Printf("latency p50 %s  p90 %s  p99 %s  max %s\n", pct(0.50), pct(0.90), pct(0.99), pct(1))
	return nil
}
