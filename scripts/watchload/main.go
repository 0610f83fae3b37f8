// Command watchload measures a live meeting watched by many: it starts
// `alesco serve --demo` (a meeting in progress), writes ~35 notes into it,
// opens N anonymous WatchMinutes streams over HTTP/1.1 (Connect protocol,
// binary), then has the chair write one note every 0.5 s, and reports what
// docs/performance.md lists:
//
//   - server CPU per write: the server process's user+system time
//     (/proc/PID/stat) from the first write until every watcher has the
//     last one (or 15 s), divided by the writes;
//
//   - memory per watcher: the server's resident set (/proc/PID/status)
//     with the watchers open, less before they opened, divided by N;
//
//   - write → watcher latency, p50 and p99, over every watcher and write
//     (a watcher that skipped a write to a newer state counts the time
//     the newer state reached it);
//
//   - behind: watchers that do not have the last write 15 s after it.
//
//     go run ./scripts/watchload -n 1000
//     go run ./scripts/watchload -n 3000 -writes 40
//
// It loads the machine: run it on a quiet one. It raises its open-file
// limit (the server inherits it) to the hard limit.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"connectrpc.com/connect"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"google.golang.org/protobuf/proto"
)

func main() {
	var o options
	flag.IntVar(&o.n, "n", 1000, "watchers")
	flag.IntVar(&o.notes, "notes", 35, "notes in the meeting before the watchers come")
	flag.IntVar(&o.writes, "writes", 30, "notes the chair writes while they watch")
	flag.DurationVar(&o.every, "every", 500*time.Millisecond, "time between the chair's writes")
	flag.StringVar(&o.alesco, "alesco", "", "alesco binary (default: go build ./cmd/alesco)")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "watchload:", err)
		os.Exit(1)
	}
}

type options struct {
	n, notes, writes int
	every            time.Duration
	alesco           string
}

// server is the alesco serve --demo process.
type server struct {
	cmd              *exec.Cmd
	url, token, meet string
}

func run(o options) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil {
		lim.Cur = lim.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
	}
	dir, err := os.MkdirTemp("", "alesco-watchload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if o.alesco == "" {
		o.alesco = filepath.Join(dir, "alesco")
		b := exec.Command("go", "build", "-trimpath", "-o", o.alesco, "./cmd/alesco")
		b.Env, b.Stdout, b.Stderr = append(os.Environ(), "CGO_ENABLED=0"), os.Stderr, os.Stderr
		if err := b.Run(); err != nil {
			return fmt.Errorf("build: %w", err)
		}
	}
	srv, err := startServer(o.alesco, max(2*o.n, 100))
	if err != nil {
		return err
	}
	defer func() { srv.cmd.Process.Kill(); srv.cmd.Wait() }()
	pid := srv.cmd.Process.Pid
	chair := v1.NewMinutesServiceClient(http.DefaultClient, srv.url, connect.WithInterceptors(bearer(srv.token)))
	say := func(line string) error {
		_, err := chair.RunCommand(context.Background(), connect.NewRequest(&alescov1.RunCommandRequest{MeetingId: srv.meet, Line: line}))
		return err
	}
	if err := say("topic Watched by the community"); err != nil {
		return err
	}
	for i := range o.notes {
		if err := say(fmt.Sprintf("info Note %d: a sentence of about the length a secretary types during a discussion of an RFC.", i+1)); err != nil {
			return err
		}
	}
	time.Sleep(2 * time.Second)
	rss0 := rss(pid)

	addr := strings.TrimPrefix(srv.url, "http://")
	ws := make([]*watcher, o.n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 50)
	var openErr error
	var mu sync.Mutex
	for i := range ws {
		ws[i] = &watcher{ref: i == 0}
		wg.Add(1)
		sem <- struct{}{}
		go func(w *watcher) {
			defer wg.Done()
			defer func() { <-sem }()
			if err := w.open(addr, srv.meet); err != nil {
				mu.Lock()
				openErr = err
				mu.Unlock()
			}
		}(ws[i])
	}
	wg.Wait()
	if openErr != nil {
		return fmt.Errorf("opening the watchers: %w", openErr)
	}
	for _, w := range ws {
		go w.read()
	}
	time.Sleep(3 * time.Second)
	rss1 := rss(pid)
	fmt.Printf("%d watchers open: server RSS %.1f MB → %.1f MB, %.1f KB per watcher\n", o.n, rss0/1024, rss1/1024, (rss1-rss0)/float64(o.n))

	ref := ws[0]
	sent := make([]time.Time, o.writes+1)
	cpu0, from := cpuTime(pid), time.Now()
	tick := time.NewTicker(o.every)
	for k := 1; k <= o.writes; k++ {
		<-tick.C
		sent[k] = time.Now()
		if err := say(fmt.Sprintf("info load %d: the chair notes what was said.", k)); err != nil {
			return err
		}
	}
	tick.Stop()
	last := time.Now()
	for time.Since(last) < 15*time.Second && behind(ws, ref, o.writes) > 0 {
		time.Sleep(50 * time.Millisecond)
	}
	cpu1, window := cpuTime(pid), time.Since(from)
	caught := time.Since(last)
	time.Sleep(time.Until(last.Add(15 * time.Second)))
	late := behind(ws, ref, o.writes)

	var lat []time.Duration
	for _, w := range ws {
		lat = append(lat, w.latencies(ref, sent)...)
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	fmt.Printf("%d writes every %s: server CPU %.1f ms per write (%.2f s in %.1f s, all caught up %.1f s after the last write)\n",
		o.writes, o.every, (cpu1-cpu0)*1000/float64(o.writes), cpu1-cpu0, window.Seconds(), caught.Seconds())
	fmt.Printf("write → watcher: p50 %s, p99 %s, max %s (%d samples)\n", pct(0.5).Round(time.Millisecond), pct(0.99).Round(time.Millisecond),
		pct(1).Round(time.Millisecond), len(lat))
	fmt.Printf("behind 15 s after the last write: %d of %d\n", late, o.n)
	return nil
}

// watcher is one WatchMinutes stream read raw over HTTP/1.1: each frame's
// length and arrival time are kept (the reference watcher also decodes
// them, to tell which write each length is).
type watcher struct {
	ref    bool
	conn   net.Conn
	body   io.Reader
	mu     sync.Mutex
	frames []frame
	index  map[int]int // the reference's frame length → write number
}

type frame struct {
	size int
	at   time.Time
}

var loadNote = regexp.MustCompile(`^load (\d+):`)

func (w *watcher) open(addr, meetingID string) error {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	msg, _ := proto.Marshal(&alescov1.WatchMinutesRequest{MeetingId: meetingID})
	var req bytes.Buffer
	fmt.Fprintf(&req, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/connect+proto\r\nConnect-Protocol-Version: 1\r\nContent-Length: %d\r\n\r\n",
		v1.MinutesServiceWatchMinutesProcedure, addr, 5+len(msg))
	req.Write([]byte{0, 0, 0, 0, 0})
	binary.BigEndian.PutUint32(req.Bytes()[req.Len()-4:], uint32(len(msg)))
	req.Write(msg)
	if _, err := c.Write(req.Bytes()); err != nil {
		c.Close()
		return err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		c.Close()
		return err
	}
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		c.Close()
		return fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	w.conn, w.body, w.index = c, resp.Body, map[int]int{}
	return nil
}

func (w *watcher) read() {
	var head [5]byte
	var buf []byte
	for {
		if _, err := io.ReadFull(w.body, head[:]); err != nil {
			return
		}
		n := int(binary.BigEndian.Uint32(head[1:]))
		at := time.Now()
		if w.ref {
			buf = slices.Grow(buf[:0], n)[:n]
			if _, err := io.ReadFull(w.body, buf); err != nil {
				return
			}
			w.learn(n, buf)
		} else if _, err := io.CopyN(io.Discard, w.body, int64(n)); err != nil {
			return
		}
		w.mu.Lock()
		w.frames = append(w.frames, frame{n, at})
		w.mu.Unlock()
	}
}

// learn notes which write a frame of the reference watcher shows.
func (w *watcher) learn(n int, b []byte) {
	var msg alescov1.WatchMinutesResponse
	if proto.Unmarshal(b, &msg) != nil || msg.Minutes == nil || len(msg.Minutes.Notes) == 0 {
		return
	}
	notes := msg.Minutes.Notes
	k := 0
	if m := loadNote.FindStringSubmatch(notes[len(notes)-1].Text); m != nil {
		k, _ = strconv.Atoi(m[1])
	}
	w.mu.Lock()
	w.index[n] = k
	w.mu.Unlock()
}

// snapshot returns the frames w received and the reference's index.
func (w *watcher) snapshot(ref *watcher) ([]frame, map[int]int) {
	ref.mu.Lock()
	index := make(map[int]int, len(ref.index))
	for n, k := range ref.index {
		index[n] = k
	}
	ref.mu.Unlock()
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.frames), index
}

// newest returns the newest write w has seen.
func (w *watcher) newest(ref *watcher) int {
	frames, index := w.snapshot(ref)
	k := 0
	for _, f := range frames {
		if i, ok := index[f.size]; ok && i > k {
			k = i
		}
	}
	return k
}

// latencies returns, for each write, how long it took to reach w.
func (w *watcher) latencies(ref *watcher, sent []time.Time) []time.Duration {
	frames, index := w.snapshot(ref)
	var out []time.Duration
	k := 1
	for _, f := range frames {
		i, ok := index[f.size]
		for ; ok && k <= i && k < len(sent); k++ {
			out = append(out, f.at.Sub(sent[k]))
		}
	}
	return out
}

func behind(ws []*watcher, ref *watcher, last int) int {
	n := 0
	for _, w := range ws {
		if w.newest(ref) < last {
			n++
		}
	}
	return n
}

func startServer(bin string, maxWatchers int) (*server, error) {
	addr := freePort()
	cmd := exec.Command(bin, "serve", "--demo", "--addr", addr, "--sync-interval", "0", "--outbox-interval", "0",
		"--max-watchers", strconv.Itoa(maxWatchers), "--max-watchers-per-client", strconv.Itoa(maxWatchers))
	cmd.Env = append(os.Environ(), "GITHUB_TOKEN=")
	out, err := cmd.StderrPipe() // the demo tells its meeting with its log
	if err != nil {
		return nil, err
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line := regexp.MustCompile(`ALESCO_TOKEN=(\S+) alesco meeting run (\S+) --server (\S+)`)
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if m := line.FindStringSubmatch(sc.Text()); m != nil {
			go io.Copy(io.Discard, out)
			return &server{cmd: cmd, token: m[1], meet: m[2], url: m[3]}, nil
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	return nil, errors.New("alesco serve --demo did not print its meeting")
}

func bearer(token string) connect.Interceptor {
	return connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			req.Header().Set("Authorization", "Bearer "+token)
			return next(ctx, req)
		}
	})
}

func freePort() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// rss is a process's resident set in KB.
func rss(pid int) float64 {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			v, _ := strconv.ParseFloat(f[1], 64)
			return v
		}
	}
	return 0
}

// cpuTime is a process's user and system time in seconds.
func cpuTime(pid int) float64 {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	k, _ := strconv.ParseFloat(f[12], 64)
	return (u + k) / 100 // USER_HZ
}
