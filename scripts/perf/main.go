// Command perf measures alesco's reads against their bare baselines and
// its memory, as docs/performance.md reports them. It needs wrk (Debian:
// apt-get install wrk) and runs only on loopback:
//
//	go run ./scripts/perf                       # builds alesco and the baseline, ~4 minutes
//	go run ./scripts/perf -rounds 3 -d 3s       # quicker, noisier
//
// It imports the wiki's minutes in the repository (demo/minutes)
// into a new database, starts `alesco serve` on it and the bare baseline
// (scripts/baseline: net/http and connect-go serving the same bytes and
// messages from memory), then runs wrk against each read, alternating
// alesco and the baseline round by round so both see the same machine.
// It prints medians, their ratio and the spread, then the resident memory
// of the alesco process (/proc/PID/status): idle, after the load, and
// after 9,000 GETs of distinct meeting pages, agendas and calendar files.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	o := options{}
	flag.IntVar(&o.rounds, "rounds", 5, "rounds per read (each runs alesco, then the baseline)")
	flag.DurationVar(&o.duration, "d", 5*time.Second, "duration of one wrk run")
	flag.IntVar(&o.connections, "c", 16, "wrk connections")
	flag.IntVar(&o.threads, "t", 1, "wrk threads")
	flag.StringVar(&o.alesco, "alesco", "", "alesco binary (default: go build ./cmd/alesco)")
	flag.StringVar(&o.baseline, "baseline", "", "baseline binary (default: go build ./scripts/baseline)")
	flag.StringVar(&o.only, "only", "", "run only the reads whose name contains this")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "perf:", err)
		os.Exit(1)
	}
}

type options struct {
	rounds, connections, threads int
	duration                     time.Duration
	alesco, baseline, only       string
}

// read is one row of the table: a path on both servers, and headers.
type read struct {
	name, path string
	header     []string
	baseline   string // what the bare side is
}

func run(o options) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk is not installed (apt-get install wrk)")
	}
	dir, err := os.MkdirTemp("", "alesco-perf-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if o.alesco == "" {
		o.alesco = filepath.Join(dir, "alesco")
		if err := goBuild(o.alesco, "./cmd/alesco"); err != nil {
			return err
		}
	}
	if o.baseline == "" {
		o.baseline = filepath.Join(dir, "baseline")
		if err := goBuild(o.baseline, "./scripts/baseline"); err != nil {
			return err
		}
	}
	db := filepath.Join(dir, "alesco.db")
	wiki, err := filepath.Glob("demo/minutes/*.md")
	if err != nil || len(wiki) == 0 {
		return fmt.Errorf("no fixture minutes in demo/minutes (run from the repository's root)")
	}
	if out, err := exec.Command(o.alesco, append([]string{"minutes", "import", "--db", db}, wiki...)...).CombinedOutput(); err != nil {
		return fmt.Errorf("import: %v\n%s", err, out)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	aAddr, bAddr := freePort(), freePort()
	srv := exec.CommandContext(ctx, o.alesco, "serve", "--db", db, "--addr", aAddr, "--sync-interval", "0")
	srv.Env = append(os.Environ(), "GITHUB_TOKEN=")
	srv.Stderr = io.Discard
	if err := srv.Start(); err != nil {
		return err
	}
	defer func() { srv.Process.Kill(); srv.Wait() }()
	aURL := "http://" + aAddr
	if err := waitUp(aURL + "/healthz"); err != nil {
		return err
	}
	time.Sleep(2 * time.Second) // let start-up garbage be collected
	idle := rss(srv.Process.Pid)

	base := exec.CommandContext(ctx, o.baseline, "-from", aURL, "-addr", bAddr)
	base.Stderr = os.Stderr
	if err := base.Start(); err != nil {
		return err
	}
	defer func() { base.Process.Kill(); base.Wait() }()
	bURL := "http://" + bAddr
	if err := waitUp(bURL + "/calendar/alesco.ics"); err != nil {
		return err
	}

	etag, err := feedETag(aURL)
	if err != nil {
		return err
	}
	reads := []read{
		{name: "`GET /calendar/alesco.ics`", path: "/calendar/alesco.ics", baseline: "net/http, same bytes"},
		{name: "same, `If-None-Match` → 304", path: "/calendar/alesco.ics", header: []string{"If-None-Match: " + etag}, baseline: "net/http, same bytes"},
		{name: "Connect GET `GetMinutes` (2026-06-04), JSON", path: connectGET("alesco.v1.MinutesService/GetMinutes", `{"meetingId":"alesco-2026-06-04"}`), baseline: "connect-go, same message"},
		{name: "Connect GET `ListMeetings` (2026), JSON", path: connectGET("alesco.v1.MeetingService/ListMeetings",
			`{"committeeId":"alesco","startTime":"2026-01-01T00:00:00Z","endTime":"2027-01-01T00:00:00Z"}`), baseline: "connect-go, same message"},
	}
	fmt.Printf("wrk -t%d -c%d -d%s, %d rounds, alternating alesco and the baseline; GOMAXPROCS unset; %d CPUs; load average %s\n\n",
		o.threads, o.connections, o.duration, o.rounds, numCPU(), loadAverage())
	fmt.Println("| read | alesco (median req/s) | bare baseline (median req/s) | ratio | spread of per-round ratios | server CPU µs/request, alesco / bare |")
	fmt.Println("| --- | --- | --- | --- | --- | --- |")
	for _, r := range reads {
		if o.only != "" && !strings.Contains(r.name, o.only) {
			continue
		}
		if err := sameAnswer(aURL, bURL, r); err != nil {
			return err
		}
		var as, bs, ratios, acpu, bcpu []float64
		for range o.rounds {
			a, ac, err := measure(o, srv.Process.Pid, aURL+r.path, r.header)
			if err != nil {
				return fmt.Errorf("%s on alesco: %w", r.name, err)
			}
			b, bc, err := measure(o, base.Process.Pid, bURL+r.path, r.header)
			if err != nil {
				return fmt.Errorf("%s on the baseline: %w", r.name, err)
			}
			as, bs, ratios = append(as, a), append(bs, b), append(ratios, a/b)
			acpu, bcpu = append(acpu, ac), append(bcpu, bc)
		}
		slices.Sort(ratios)
		fmt.Printf("| %s | %.1fk | %s: %.1fk | %.2f | %.2f–%.2f | %.0f / %.0f |\n", r.name, median(as)/1000, r.baseline, median(bs)/1000,
			median(as)/median(bs), ratios[0], ratios[len(ratios)-1], median(acpu), median(bcpu))
	}
	loaded := rss(srv.Process.Pid)

	n, err := distinctPages(aURL)
	if err != nil {
		return err
	}
	after := rss(srv.Process.Pid)
	fmt.Printf("\nload average at the end: %s\n", loadAverage())
	fmt.Printf("\nalesco RSS: idle %s; after the load %s; after %d GETs of distinct meeting pages, agendas and calendar files %s (peak %s)\n",
		mb(idle.rss), mb(loaded.rss), n, mb(after.rss), mb(after.hwm))
	return nil
}

// goBuild builds pkg as a release is built (README): static, pure Go.
func goBuild(out, pkg string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

func freePort() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitUp(u string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("%s did not come up", u)
}

func feedETag(base string) (string, error) {
	resp, err := http.Get(base + "/calendar/alesco.ics")
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	return resp.Header.Get("ETag"), nil
}

func connectGET(procedure, msg string) string {
	return "/" + procedure + "?connect=v1&encoding=json&message=" + url.QueryEscape(msg)
}

// sameAnswer checks that both servers answer r alike (status and body),
// so the two sides of a row measure the same work.
func sameAnswer(a, b string, r read) error {
	get := func(base string) (int, string, error) {
		req, _ := http.NewRequest(http.MethodGet, base+r.path, nil)
		for _, h := range r.header {
			k, v, _ := strings.Cut(h, ": ")
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body), err
	}
	as, ab, err := get(a)
	if err != nil {
		return err
	}
	bs, bb, err := get(b)
	if err != nil {
		return err
	}
	if as != bs || !sameJSON(ab, bb) {
		return fmt.Errorf("%s: alesco answers %d (%d bytes), the baseline %d (%d bytes)", r.name, as, len(ab), bs, len(bb))
	}
	return nil
}

// sameJSON compares bodies, as JSON values when they are JSON (protojson
// varies its spacing on purpose).
func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return a == b
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}

var (
	rateRe  = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	countRe = regexp.MustCompile(`([0-9]+) requests in `)
	// Wrong answers and failed connections end the run; timeouts (a
	// request over wrk's 2 s, when the machine stalls) only lower the rate.
	errorRe = regexp.MustCompile(`Non-2xx or 3xx responses: .*|Socket errors: connect [1-9].*|Socket errors: .*(read|write) [1-9].*`)
)

// measure runs wrk against u and returns its requests per second and the
// CPU time the server process pid spent per request (user and system,
// from /proc: less sensitive than throughput to what else the machine
// runs).
func measure(o options, pid int, u string, header []string) (rate, cpuMicros float64, err error) {
	before := cpuTicks(pid)
	rate, n, err := wrk(o, u, header)
	ticks := cpuTicks(pid) - before
	if err != nil || n == 0 {
		return rate, 0, err
	}
	const ticksPerSecond = 100 // USER_HZ on Linux
	return rate, float64(ticks) / ticksPerSecond * 1e6 / n, nil
}

// cpuTicks is a process's user plus system time, in clock ticks
// (/proc/PID/stat fields 14 and 15).
func cpuTicks(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces: count from after it.
	_, rest, _ := strings.Cut(string(data), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

// wrk runs one wrk and returns its requests per second and how many it
// made.
func wrk(o options, u string, header []string) (rate, n float64, err error) {
	args := []string{"-t" + strconv.Itoa(o.threads), "-c" + strconv.Itoa(o.connections), "-d" + o.duration.String()}
	for _, h := range header {
		args = append(args, "-H", h)
	}
	out, err := exec.Command("wrk", append(args, u)...).CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	if m := errorRe.Find(out); m != nil {
		return 0, 0, fmt.Errorf("wrk: %s\n%s", m, out)
	}
	m, c := rateRe.FindSubmatch(out), countRe.FindSubmatch(out)
	if m == nil || c == nil {
		return 0, 0, fmt.Errorf("wrk printed no rate:\n%s", out)
	}
	rate, _ = strconv.ParseFloat(string(m[1]), 64)
	n, _ = strconv.ParseFloat(string(c[1]), 64)
	return rate, n, nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

type memory struct{ rss, hwm int64 } // kB

// rss reads the resident set of a process from /proc/PID/status.
func rss(pid int) memory {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}
	}
	defer f.Close()
	var m memory
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ":")
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			m.rss = n
		case "VmHWM":
			m.hwm = n
		}
	}
	return m
}

func mb(kb int64) string { return fmt.Sprintf("%.1f MB", float64(kb)/1024) }

// loadAverage is the 1, 5 and 15 minute load average (/proc/loadavg):
// what else the machine was running.
func loadAverage() string {
	data, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func numCPU() int {
	data, _ := os.ReadFile("/proc/cpuinfo")
	return strings.Count(string(data), "processor\t:")
}

// distinctPages GETs the page, agenda and calendar file of 3,000 distinct
// meetings of the series (every second Thursday from 2026-02-12, far past
// the two-year horizon), 8 at a time, and returns how many it sent.
func distinctPages(base string) (int, error) {
	first := time.Date(2026, 2, 12, 12, 0, 0, 0, time.UTC)
	var paths []string
	for i := range 3000 {
		id := "alesco-" + first.AddDate(0, 0, 14*i).Format("2006-01-02")
		paths = append(paths, "/alesco/meetings/"+id, "/agenda/"+id+".md", "/calendar/alesco/"+id+".ics")
	}
	work := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				resp, err := client.Get(base + p)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNotFound {
						err = fmt.Errorf("GET %s: %s", p, resp.Status)
					}
				}
				if err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, err)
					mu.Unlock()
				}
			}
		}()
	}
	for _, p := range paths {
		work <- p
	}
	close(work)
	wg.Wait()
	return len(paths), firstErr
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
