// Command testtimes reads the events of `go test -json` and prints how long
// each package and the slowest tests took, as docs/performance.md reports
// them ("The test suite"):
//
//	go test -count=1 -json ./... | go run ./scripts/testtimes
//	go test -count=1 -json ./... | go run ./scripts/testtimes -top 20 -sub
//
// A test's time is wall time from when it last started or continued
// (test2json's run or cont event) to its end, so it holds its parallel
// subtests (which `go test -v` leaves out of their parent's time) but not
// the time a parallel test waited for its turn. A package's time is its
// test binary's run. Failed tests are marked.
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
	started := map[[2]string]time.Time{} // package and test: when it last ran or continued
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue
		}
		key := [2]string{e.Package, e.Test}
		switch e.Action {
		case "run", "cont":
			started[key] = e.Time
		case "pass", "fail", "skip":
			res := result{pkg: e.Package, test: e.Test, action: e.Action, elapsed: e.Elapsed}
			if e.Test == "" {
				pkgs = append(pkgs, res)
				continue
			}
			if start, ok := started[key]; ok {
				res.elapsed = e.Time.Sub(start).Seconds()
			}
			tests = append(tests, res)
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
