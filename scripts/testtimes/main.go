// Command testtimes reads the events of `go test -json` and prints how long
// each package and the slowest tests took, as docs/performance.md reports
// them ("The test suite"):
//
//	go test -count=1 -json ./... | go run ./scripts/testtimes
//	go test -count=1 -json ./... | go run ./scripts/testtimes -top 20 -sub
//
// A test's time is what `go test -v` prints for it (test2json's
// "elapsed": for a parallel test, the time it ran, not the time it waited
// for its turn), except for a test whose subtests ran in parallel after
// its function returned: `go test -v` leaves them out of its time, so here
// it runs from when the test last started or continued (its run or cont
// event) to the end of its last subtest. (The time of a parallel test's
// pass event itself is no guide: it can be reported well after it ended.)
// A package's time is its test binary's run. Failed tests are marked.
package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// event is the part of a test2json event this reads.
type event struct {
	Time    time.Time
	Action  string
	Package string
	Test    string
	Elapsed float64
}

// result is one package's or test's end.
type result struct {
	pkg, test, action string
	elapsed           float64
	start             time.Time // when the test last ran or continued
}

func main() {
	top := flag.Int("top", 10, "how many of the slowest tests to list")
	sub := flag.Bool("sub", false, "list subtests too (their time is part of their parent's)")
	flag.Parse()
	pkgs, tests, err := read(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testtimes:", err)
		os.Exit(1)
	}
	if len(pkgs) == 0 {
		fmt.Fprintln(os.Stderr, "testtimes: no package results on stdin (pipe `go test -json` in)")
		os.Exit(1)
	}
	slowestFirst(pkgs)
	fmt.Println("| package | s |\n| --- | --- |")
	for _, p := range pkgs {
		if p.elapsed >= 0.1 || p.action == "fail" {
			fmt.Printf("| %s | %.1f%s |\n", short(p.pkg), p.elapsed, mark(p.action))
		}
	}
	if !*sub {
		tests = slices.DeleteFunc(tests, func(r result) bool { return strings.Contains(r.test, "/") })
	}
	slowestFirst(tests)
	fmt.Println("\n| test | s |\n| --- | --- |")
	for _, r := range tests[:min(*top, len(tests))] {
		fmt.Printf("| %s %s | %.1f%s |\n", short(r.pkg), r.test, r.elapsed, mark(r.action))
	}
}

// read collects the package and test results of a test2json stream;
// lines that are not events (build output) are skipped.
func read(r io.Reader) (pkgs, tests []result, err error) {
	type key struct{ pkg, test string }
	started := map[key]time.Time{} // when a test last ran or continued
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue
		}
		k := key{e.Package, e.Test}
		switch e.Action {
		case "run", "cont":
			started[k] = e.Time
		case "pass", "fail", "skip":
			res := result{pkg: e.Package, test: e.Test, action: e.Action, elapsed: e.Elapsed, start: started[k]}
			if e.Test == "" {
				pkgs = append(pkgs, res)
			} else {
				tests = append(tests, res)
			}
		}
	}
	// A test ends when it or the last of its subtests does.
	end := map[key]time.Time{}
	for _, t := range tests {
		if t.start.IsZero() {
			continue
		}
		e := t.start.Add(time.Duration(t.elapsed * float64(time.Second)))
		for name := t.test; ; {
			if k := (key{t.pkg, name}); e.After(end[k]) {
				end[k] = e
			}
			i := strings.LastIndex(name, "/")
			if i < 0 {
				break
			}
			name = name[:i]
		}
	}
	for i, t := range tests {
		if e := end[key{t.pkg, t.test}]; !t.start.IsZero() && e.Sub(t.start).Seconds() > t.elapsed {
			tests[i].elapsed = e.Sub(t.start).Seconds()
		}
	}
	return pkgs, tests, sc.Err()
}

func slowestFirst(rs []result) {
	slices.SortStableFunc(rs, func(a, b result) int { return cmp.Compare(b.elapsed, a.elapsed) })
}

// short drops the module path from a package's import path.
func short(pkg string) string {
	if p, ok := strings.CutPrefix(pkg, "github.com/almalinux/alesco/"); ok {
		return p
	}
	if pkg == "github.com/almalinux/alesco" {
		return "."
	}
	return pkg
}

func mark(action string) string {
	if action == "fail" {
		return " (failed)"
	}
	return ""
}
