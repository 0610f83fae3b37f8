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
	"strings"
	"testing"
)

// Sizes, as a rule a test enforces: a production function holds at most
// maxFuncLines lines and a production file at most maxFileLines, outside
// cmd/ (cobra command declarations), test support, scripts/ and generated
// code. The functions below may be longer, each for the reason given.
const (
	maxFuncLines = 80
	maxFileLines = 500
)

// longFunctions are the production functions allowed over maxFuncLines,
// by "package.Func" or "package.Type.Method", with why (at most 3).
var longFunctions = map[string]string{}

// TestSizes: no production function over maxFuncLines and no production
// file over maxFileLines, but those listed in longFunctions.
func TestSizes(t *testing.T) {
	if len(longFunctions) > 3 {
		t.Errorf("%d long functions allowed, at most 3", len(longFunctions))
	}
	problems, files, err := checkSizes(".")
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("found only %d files; run from the module root", files)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// TestSizesCatchLongCode runs the check on a small tree: a long function,
// a long file, and long code where it is allowed.
func TestSizesCatchLongCode(t *testing.T) {
	dir := t.TempDir()
	body := strings.Repeat("\t_ = 1\n", maxFuncLines)
	files := map[string]string{
		"long.go":                  "package alesco\n\nfunc Long() {\n" + body + "}\n",
		"short.go":                 "package alesco\n\nfunc Short() {\n" + body[:len(body)-len("\t_ = 1\n")*3] + "}\n",
		"big/big.go":               "package big\n" + strings.Repeat("\n", maxFileLines),
		"app/m.go":                 "package app\n\ntype T struct{}\n\nfunc (T) M() {\n" + body + "}\n",
		"cmd/alesco/x.go":          "package main\n\nfunc x() {\n" + body + "}\n",
		"scripts/perf/x.go":        "package main\n\nfunc x() {\n" + body + "}\n",
		"internal/alescotest/x.go": "package alescotest\n\nfunc x() {\n" + body + "}\n",
		"app/x_test.go":            "package app\n\nfunc x() {\n" + body + "}\n",
	}
	for name, src := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	problems, _, err := checkSizes(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"long.go: alesco.Long is 82 lines", "app/m.go: app.T.M is 82 lines", "big/big.go is 501 lines"} {
		if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, want) }) {
			t.Errorf("not reported: %s (got %q)", want, problems)
		}
	}
	if len(problems) != 3 {
		t.Errorf("%d problems reported, want 3: %q", len(problems), problems)
	}
}

// checkSizes measures every production file under root and its
// functions, and returns what is too long.
func checkSizes(root string) (problems []string, files int, err error) {
	exempt := []string{"cmd/", "scripts/", "gen/", "internal/", "github/githubtest/"}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, "_test.go") ||
			slices.ContainsFunc(exempt, func(p string) bool { return strings.HasPrefix(rel, p) }) {
			return nil
		}
		files++
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		if n := fset.File(f.Pos()).LineCount(); n > maxFileLines {
			problems = append(problems, fmt.Sprintf("%s is %d lines, more than %d: split it", rel, n, maxFileLines))
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			name := funcName(f.Name.Name, fn)
			lines := fset.Position(fn.End()).Line - fset.Position(fn.Pos()).Line + 1
			if _, allowed := longFunctions[name]; lines > maxFuncLines && !allowed {
				problems = append(problems, fmt.Sprintf("%s: %s is %d lines, more than %d: split it into named steps", rel, name, lines, maxFuncLines))
			}
		}
		return nil
	})
	return problems, files, err
}

// funcName is "package.Func" or "package.Type.Method".
func funcName(pkg string, fn *ast.FuncDecl) string {
	if fn.Recv == nil || len(fn.Recv.List) == 0 {
		return pkg + "." + fn.Name.Name
	}
	t := fn.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	if g, ok := t.(*ast.IndexExpr); ok {
		t = g.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return pkg + "." + id.Name + "." + fn.Name.Name
	}
	return pkg + "." + fn.Name.Name
}
