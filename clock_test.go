package alesco_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The tests read no wall clock for a date: their today is
// alescotest.Today() (ALESCO_TEST_TODAY moves it), their now
// alescotest.Epoch, and a timeout alescotest.Deadline. Only the package
// that keeps that one clock, internal/alescotest, calls time.Now; so do no
// test file and no fake that stamps what it serves with a time.
var wallClockAllowed = []string{"internal/alescotest"}

// fakesWithTimes are the test-support packages whose own files must not
// call time.Now either: what they serve carries times (GitHub's updated_at
// and rate-limit reset, a chat post's time).
var fakesWithTimes = []string{"github/githubtest", "internal/chattest"}

func TestTestsReadNoWallClock(t *testing.T) {
	calls, files, err := wallClockCalls(".")
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("scanned only %d files; run from the module root", files)
	}
	for _, c := range calls {
		t.Errorf("%s: a test reads the wall clock; use alescotest.Epoch, alescotest.Today, an env's Clock, or alescotest.Deadline for a timeout", c)
	}
}

// TestWallClockScanCatchesCalls runs the scan on a small tree: each call
// of time.Now, under any import name, is reported; a clock's own Now
// method and internal/alescotest are not.
func TestWallClockScanCatchesCalls(t *testing.T) {
	dir := t.TempDir()
	// The planted sources spell the call NOW so that a grep of the tree
	// for the call does not find this file; the test writes them with Now.
	files := map[string]string{
		"a/a_test.go":                     "package a\nimport \"time\"\nvar _ = time.NOW()\n",
		"b/b_test.go":                     "package b\nimport tm \"time\"\nfunc f() { _ = tm.NOW().Add(tm.Hour) }\n",
		"c/c_test.go":                     "package c\nimport . \"time\"\nvar _ = NOW()\n",
		"github/githubtest/fake.go":       "package githubtest\nimport \"time\"\nvar now = time.NOW\n",
		"d/d.go":                          "package d\nimport \"time\"\nvar _ = time.NOW()\n",
		"e/e_test.go":                     "package e\nimport \"time\"\ntype clock struct{}\nfunc (clock) Now() time.Time { return time.Time{} }\nvar _ = clock{}.Now()\n",
		"internal/alescotest/today.go":    "package alescotest\nimport \"time\"\nvar _ = time.NOW()\n",
		"internal/alescotest/x_test.go":   "package alescotest\nimport \"time\"\nvar _ = time.NOW()\n",
		"f/testdata/ignored_test.go":      "package f\nimport \"time\"\nvar _ = time.NOW()\n",
		"internal/chattest/chat.go":       "package chattest\nimport \"time\"\nfunc f() { _ = time.Since(time.Time{}) }\n",
		"internal/chattest/chat_other.go": "package chattest\nimport \"time\"\nfunc g() time.Time { return time.NOW().UTC() }\n",
	}
	for name, src := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(strings.ReplaceAll(src, "NOW", "Now")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	calls, _, err := wallClockCalls(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a/a_test.go:3", "b/b_test.go:3", "c/c_test.go:3", "github/githubtest/fake.go:3", "internal/chattest/chat.go:3", "internal/chattest/chat_other.go:3"}
	if !slices.Equal(calls, want) {
		t.Errorf("reported %q, want %q", calls, want)
	}
}

// wallClockCalls returns "file:line" of every read of the wall clock
// (time.Now, and time.Since or time.Until in a fake) in the test files
// under root outside wallClockAllowed, and in the fakes' files.
func wallClockCalls(root string) (calls []string, files int, err error) {
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules" ||
				slices.Contains(wallClockAllowed, rel)) {
				return filepath.SkipDir
			}
			return nil
		}
		fake := slices.Contains(fakesWithTimes, filepath.ToSlash(filepath.Dir(rel)))
		if !strings.HasSuffix(path, ".go") || (!strings.HasSuffix(path, "_test.go") && !fake) {
			return nil
		}
		files++
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, line := range timeNowLines(fset, f, fake) {
			calls = append(calls, fmt.Sprintf("%s:%d", rel, line))
		}
		return nil
	})
	slices.Sort(calls)
	return calls, files, err
}

// timeNowLines returns the lines of f that use time.Now (called or passed
// as a clock) under the name f imports "time" as; in a fake also
// time.Since and time.Until, which read the same clock.
func timeNowLines(fset *token.FileSet, f *ast.File, fake bool) []int {
	name := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "time" {
			name = "time"
			if imp.Name != nil {
				name = imp.Name.Name
			}
		}
	}
	if name == "" {
		return nil
	}
	reads := func(fn string) bool { return fn == "Now" || (fake && (fn == "Since" || fn == "Until")) }
	var lines []int
	ast.Inspect(f, func(n ast.Node) bool {
		switch e := n.(type) {
		case *ast.SelectorExpr:
			if x, ok := e.X.(*ast.Ident); ok && x.Name == name && reads(e.Sel.Name) {
				lines = append(lines, fset.Position(e.Pos()).Line)
			}
		case *ast.Ident:
			// A dot import: Now() alone.
			if name == "." && reads(e.Name) {
				lines = append(lines, fset.Position(e.Pos()).Line)
			}
		}
		return true
	})
	return slices.Compact(lines)
}
