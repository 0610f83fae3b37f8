package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/spf13/cobra"
)

// proseWords follow "alesco" where a text speaks of alesco the service
// ("alesco never merges"), not of a command; no command has these names.
var proseWords = map[string]bool{
	"and": true, "answers": true, "as": true, "binary": true, "first": true, "has": true, "knows": true, "listening": true,
	"never": true, "over": true, "requests": true, "runs": true, "serves": true, "tells": true, "to": true, "was": true,
}

// notHints are texts that hold "alesco" and words without naming a
// command, by the file they are in.
var notHints = map[string]string{
	"seal.go": "alesco minutes record v1", // the seal's domain-separation label, hashed, never shown
}

// hintWords matches "alesco" and the words after it that may name a
// command: lower-case words, or a format verb, one space apart.
var hintWords = regexp.MustCompile(`alesco((?:[ \t]+(?:[a-z][a-z0-9-]*|%[a-z]))+)`)

// hints returns the command lines the text names: each "alesco" (alone,
// or as ./cmd/alesco) and the words after it.
func hints(text string) [][]string {
	var out [][]string
	for _, m := range hintWords.FindAllStringSubmatchIndex(text, -1) {
		before := text[:m[0]]
		if r := before[max(0, len(before)-1):]; r != "" && !strings.HasSuffix(before, "./cmd/") && strings.ContainsAny(r, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-/.~@") {
			continue // part of another word, a path or a chat command (/alesco vote)
		}
		out = append(out, strings.Fields(text[m[2]:m[3]]))
	}
	return out
}

// checkHint says what is wrong with a command line a text names, or "".
func checkHint(root *cobra.Command, words []string) string {
	if proseWords[words[0]] {
		return ""
	}
	cmd := root
	for i, w := range words {
		if strings.HasPrefix(w, "%") {
			return "a command named through a format verb cannot be checked: build the hint from cmd.CommandPath()"
		}
		var next *cobra.Command
		for _, sub := range cmd.Commands() {
			if sub.Name() == w || sub.HasAlias(w) {
				next = sub
			}
		}
		switch {
		case next != nil:
			cmd = next
		case i == 0:
			return "no command alesco " + w
		case cmd.HasSubCommands():
			return "no command " + cmd.CommandPath() + " " + w
		default:
			return "" // the rest are the command's arguments
		}
	}
	return ""
}

// commandTree is the full tree the binary has, cobra's own help and
// completion commands included.
func commandTree() *cobra.Command {
	root := (&Main{}).commands()
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	return root
}

// productionTexts returns every string literal of the module's Go code
// outside tests and generated code, and the web templates and scripts,
// by file.
func productionTexts(t *testing.T) map[string][]string {
	t.Helper()
	root := alescotest.Root()
	texts := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch d.Name() {
			case ".git", "gen", "testdata", "node_modules", "docs":
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case strings.HasSuffix(path, "_test.go"):
		case strings.HasSuffix(path, ".go"):
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					s, err := strconv.Unquote(lit.Value)
					if err != nil {
						t.Errorf("%s: %v", rel, err)
					}
					texts[rel] = append(texts[rel], s)
				}
				return true
			})
		case strings.HasPrefix(rel, "web"+string(filepath.Separator)) && (strings.HasSuffix(path, ".html") || strings.HasSuffix(path, ".js")),
			strings.HasPrefix(rel, "config"+string(filepath.Separator)) && strings.HasSuffix(path, ".yaml"):
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			texts[rel] = append(texts[rel], string(b))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return texts
}

// TestHintsNameRealCommands: every command line a message, a help text, a
// page or a template names ("see alesco outbox list", "run alesco serve
// --demo") exists in the command tree. It reads every string literal of
// the module's code (the domain's, app's, live's and server's messages
// name commands too), and the argument errors of every command, so a
// renamed command cannot leave a hint behind.
func TestHintsNameRealCommands(t *testing.T) {
	root := commandTree()
	for w := range proseWords {
		if cmd, _, err := root.Find([]string{w}); err == nil && cmd != root {
			t.Errorf("%q is a command: it cannot count as prose", w)
		}
	}
	checked := 0
	for file, lits := range productionTexts(t) {
		for _, s := range lits {
			for _, h := range hints(s) {
				if notHints[filepath.ToSlash(file)] == "alesco "+strings.Join(h, " ") {
					continue
				}
				checked++
				if msg := checkHint(root, h); msg != "" {
					t.Errorf("%s: %q: %s", file, "alesco "+strings.Join(h, " "), msg)
				}
			}
		}
	}
	if checked < 20 {
		t.Fatalf("found only %d hints in the code", checked)
	}
	t.Logf("%d hints in the code name real commands", checked)
	// What a command says of wrong arguments, none or too many.
	walk(root, func(c *cobra.Command) {
		for _, args := range [][]string{nil, {"a", "b", "c", "d", "e", "f", "g"}} {
			if err := c.ValidateArgs(args); err != nil {
				for _, h := range hints(message(err)) {
					if msg := checkHint(root, h); msg != "" {
						t.Errorf("%s %s: %q: %s", c.CommandPath(), strings.Join(args, " "), message(err), msg)
					}
				}
			}
		}
	})
}

// TestHintChecker: the checker itself finds the hints that rotted.
func TestHintChecker(t *testing.T) {
	root := commandTree()
	for text, want := range map[string]string{
		"see alesco cancel --help":                    "no command alesco cancel",
		"(see alesco run --help)":                     "no command alesco run",
		"`alesco export`":                             "no command alesco export",
		"alesco revoke 3":                             "no command alesco revoke",
		"alesco minutes record":                       "no command alesco minutes record",
		"see alesco %s --help":                        "format verb",
		"see alesco meetings cancel --help":           "",
		"(see alesco outbox list --all)":              "",
		"go run ./cmd/alesco token create --role x":   "",
		"run alesco minutes search secure boot":       "",
		"alesco never merges; /alesco vote +1":        "",
		"alesco completion bash; alesco help meeting": "",
	} {
		var got []string
		for _, h := range hints(text) {
			if msg := checkHint(root, h); msg != "" {
				got = append(got, msg)
			}
		}
		if (want == "") != (len(got) == 0) || (want != "" && !strings.Contains(strings.Join(got, "; "), want)) {
			t.Errorf("%q: %q, want %q", text, got, want)
		}
	}
}
