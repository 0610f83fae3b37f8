package alesco_test

import (
	"fmt"
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

// The layout, as a rule a test enforces: which of the module's packages
// each package may import (its production files; tests may import
// anything). Data flows from the edges to the domain and back: the domain
// imports only the standard library; adapters and formatters import only
// the domain; the application layer holds the use cases on top of them;
// the server and the CLI sit at the edge. A package not listed here fails
// the test until it is given its place.
var layout = map[string][]string{
	// The domain: committees, rules, meetings, proposals, minutes.
	".": {},
	// Formatting, pure: the domain in and out of its text forms.
	"agenda":    {"."},
	"minutesmd": {"."},
	"calendar":  {"."},
	// The words alesco sends out (comments, e-mails, chat posts), pure.
	"notice": {"."},
	// The committee's public record kept in the repository (the demo's
	// data and GitHub snapshot; the tests read it too): standard library only.
	"demo": {},
	// Adapters, one per dependency, none importing another.
	"config":     {"."},
	"sqlite":     {"."},
	"github":     {"."},
	"mattermost": {"."},
	"mail":       {"."},
	"indico":     {"."},
	// The public pages: templates and view models of domain values.
	"pages": {".", "agenda"},
	// The domain to the API's messages.
	"protoconv": {".", "agenda", "minutesmd", "gen/alesco/v1"},
	// The use cases.
	"app": {".", "agenda", "minutesmd", "calendar", "notice"},
	// The meeting command language, on the use cases (terminal, chat and
	// console alike).
	"live": {".", "app", "agenda"},
	// What the server rendered, kept in memory: standard library only.
	"rendercache": {},
	// Prometheus: counts at the edge, reads the use cases and the render
	// cache when scraped.
	"metrics": {".", "app", "rendercache"},
	// The edge: the API, plain HTTP and pages on the use cases.
	"server": {".", "app", "protoconv", "pages", "live", "agenda", "minutesmd", "metrics", "rendercache", "gen/alesco/v1", "gen/alesco/v1/alescov1connect"},
	// The binary wires everything (and only serve.go builds a server).
	"cmd/alesco": {"*"},
	// Generated code.
	"gen/alesco/v1":                 {},
	"gen/alesco/v1/alescov1connect": {"gen/alesco/v1"},
	// Test support and tools, never imported by production packages.
	"internal/alescotest": {"*"},
	"internal/icaltest":   {},
	"internal/htmlcheck":  {},
	"internal/webtest":    {},
	"github/githubtest":   {"demo"},
	"internal/chattest":   {},
	"internal/eventstest": {".", "internal/alescotest"},
	"internal/smtptest":   {"internal/alescotest"},
	"scripts/loadfeed":    {"*"},
	"scripts/baseline":    {"*"},
	"scripts/perf":        {"*"},
	"scripts/testtimes":   {"*"},
	"scripts/watchload":   {"*"},
}

// The boundaries the layout draws, checked on their own too (so that a
// loosened layout entry still cannot cross them): only these packages
// speak the API's wire types (gen/...), and the adapters never import
// one another.
var (
	wireSpeakers = []string{"protoconv", "server", "cmd/alesco", "gen/alesco/v1", "gen/alesco/v1/alescov1connect",
		"scripts/loadfeed", "scripts/baseline", "scripts/perf", "scripts/watchload"}
	adapters = []string{"config", "sqlite", "github", "mattermost", "mail", "indico"}
)

// serverFiles are the files of cmd/alesco that may import the server.
var serverFiles = []string{"serve.go"}

const module = "github.com/almalinux/alesco"

func TestArchitecture(t *testing.T) {
	problems, packages, err := checkLayout(".")
	if err != nil {
		t.Fatal(err)
	}
	if packages < 10 {
		t.Fatalf("found only %d packages; run from the module root", packages)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

// TestArchitectureCatchesForbiddenImports runs the check on a small tree
// with forbidden edges: each is reported.
func TestArchitectureCatchesForbiddenImports(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"domain.go":            `package alesco; import _ "golang.org/x/net/html"`,
		"sqlite/db.go":         `package sqlite; import _ "` + module + `/minutesmd"`,
		"github/sync.go":       `package github; import _ "` + module + `/server"`,
		"app/app.go":           `package app; import _ "` + module + `/internal/alescotest"`,
		"cmd/alesco/x.go":      `package main; import _ "` + module + `/server"`,
		"newthing/x.go":        `package newthing`,
		"minutesmd/ok.go":      `package minutesmd; import _ "` + module + `"`,
		"wire.go":              `package alesco; import _ "` + module + `/gen/alesco/v1"`,
		"pages/p.go":           `package pages; import _ "` + module + `/gen/alesco/v1"`,
		"mail/m.go":            `package mail; import _ "` + module + `/mattermost"`,
		"config/c.go":          `package config; import _ "` + module + `/github"`,
		"notice/n.go":          `package notice; import _ "` + module + `/app"`,
		"minutesmd/ok_test.go": `package minutesmd; import _ "` + module + `/server"`,
	}
	for name, src := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(src+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	problems, _, err := checkLayout(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"the domain imports golang.org/x/net/html", "sqlite (db.go) imports minutesmd", "github (sync.go) imports server",
		"app (app.go) imports the test support internal/alescotest", "cmd/alesco/x.go imports the server", "package newthing has no place",
		"the domain (wire.go) imports the wire package gen/alesco/v1", ". (wire.go) imports gen/alesco/v1: not allowed",
		"pages (p.go) imports the wire package gen/alesco/v1", "pages (p.go) imports gen/alesco/v1: not allowed",
		"adapter mail (m.go) imports adapter mattermost", "mail (m.go) imports mattermost: not allowed",
		"adapter config (c.go) imports adapter github", "config (c.go) imports github: not allowed",
		"notice (n.go) imports app: not allowed"} {
		if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, want) }) {
			t.Errorf("not reported: %s (got %q)", want, problems)
		}
	}
	if len(problems) != 15 {
		t.Errorf("%d problems reported, want 15: %q", len(problems), problems)
	}
}

// checkLayout reads the imports of every package under root (production
// files only) and returns what breaks the layout.
func checkLayout(root string) (problems []string, packages int, err error) {
	report := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	imports := map[string]map[string][]string{} // package -> module import -> files
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
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(rel)
		if imports[pkg] == nil {
			imports[pkg] = map[string][]string{}
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			switch {
			case p == module:
				p = "."
			case strings.HasPrefix(p, module+"/"):
				p = strings.TrimPrefix(p, module+"/")
			case pkg == "." && strings.Contains(strings.SplitN(p, "/", 2)[0], "."):
				report("%s: the domain imports %s; it imports only the standard library", filepath.Base(path), p)
				continue
			default:
				continue
			}
			imports[pkg][p] = append(imports[pkg][p], filepath.Base(path))
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	testSupport := []string{"internal/alescotest", "internal/icaltest", "internal/htmlcheck", "internal/webtest", "github/githubtest",
		"internal/chattest", "internal/smtptest", "internal/eventstest"}
	for pkg, deps := range imports {
		allowed, ok := layout[pkg]
		if !ok {
			report("package %s has no place in the layout: add it to arch_test.go with what it may import", pkg)
			continue
		}
		for dep, files := range deps {
			if slices.Contains(testSupport, dep) && !slices.Contains(testSupport, pkg) && pkg != "scripts/loadfeed" {
				report("%s (%s) imports the test support %s", pkg, strings.Join(files, ", "), dep)
				continue
			}
			if strings.HasPrefix(dep, "gen/") && !slices.Contains(wireSpeakers, pkg) && !slices.Contains(testSupport, pkg) {
				report("%s (%s) imports the wire package %s: only %v speak proto; map in protoconv", pkgName(pkg), strings.Join(files, ", "), dep, wireSpeakers[:3])
			}
			if slices.Contains(adapters, pkg) && slices.Contains(adapters, dep) {
				report("adapter %s (%s) imports adapter %s: adapters meet only in the domain's interfaces", pkg, strings.Join(files, ", "), dep)
			}
			if !slices.Contains(allowed, "*") && !slices.Contains(allowed, dep) {
				report("%s (%s) imports %s: not allowed by the layout (%s may import %v)", pkg, strings.Join(files, ", "), dep, pkg, allowed)
			}
			if pkg == "cmd/alesco" && dep == "server" {
				for _, f := range files {
					if !slices.Contains(serverFiles, f) {
						report("cmd/alesco/%s imports the server: only serve does; other commands call the application layer", f)
					}
				}
			}
		}
	}
	slices.Sort(problems)
	return problems, len(imports), nil
}

// pkgName names a package in a report: the domain by name.
func pkgName(pkg string) string {
	if pkg == "." {
		return "the domain"
	}
	return pkg
}
