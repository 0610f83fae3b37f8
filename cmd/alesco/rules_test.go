package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/github/githubtest"
	"github.com/almalinux/alesco/internal/alescotest"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.yaml.in/yaml/v3"
)

// ruleSelector is one series selector of an alert rule's expression: a
// metric name and the labels it matches on.
type ruleSelector struct {
	alert, metric string
	// labels maps each matched label to the value an equality matcher
	// wants ("" for the other operators).
	labels map[string]string
}

// PromQL, as far as the rules use it. A hand-written scanner rather than
// Prometheus's own parser: that module drags in most of Prometheus, for
// the names of a dozen selectors.
var (
	promGrouping = regexp.MustCompile(`\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	promRange    = regexp.MustCompile(`\[[^\]]*\]`)
	promSelector = regexp.MustCompile(`\b([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?\s*(\()?`)
	promMatcher  = regexp.MustCompile(`\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?`)
	promKeywords = []string{"and", "or", "unless", "bool", "offset"}
)

// alertRuleSelectors reads deploy/prometheus/alesco-rules.yml and returns
// the selectors of every alert's expression.
func alertRuleSelectors(t *testing.T) []ruleSelector {
	t.Helper()
	b, err := os.ReadFile(alescotest.Path("deploy/prometheus/alesco-rules.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Groups []struct {
			Rules []struct {
				Alert string `yaml:"alert"`
				Expr  string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	var out []ruleSelector
	for _, g := range file.Groups {
		for _, r := range g.Rules {
			found := promSelectors(t, r.Alert, r.Expr)
			if len(found) == 0 {
				t.Errorf("%s: no metric found in %q", r.Alert, r.Expr)
			}
			out = append(out, found...)
		}
	}
	return out
}

func promSelectors(t *testing.T, alert, expr string) []ruleSelector {
	t.Helper()
	expr = promRange.ReplaceAllString(promGrouping.ReplaceAllString(expr, " "), " ")
	var out []ruleSelector
	for _, m := range promSelector.FindAllStringSubmatch(expr, -1) {
		if m[3] == "(" || slices.Contains(promKeywords, m[1]) { // a function or aggregation, or an operator
			continue
		}
		s := ruleSelector{alert: alert, metric: m[1], labels: map[string]string{}}
		if body := strings.Trim(m[2], "{}"); body != "" {
			rest := promMatcher.ReplaceAllStringFunc(body, func(mt string) string {
				p := promMatcher.FindStringSubmatch(mt)
				s.labels[p[1]] = ""
				if p[2] == "=" {
					s.labels[p[1]] = p[3]
				}
				return ""
			})
			if strings.TrimSpace(rest) != "" {
				t.Errorf("%s: cannot read the matchers %s", alert, m[2])
			}
		}
		out = append(out, s)
	}
	return out
}

// checkExported reports every selector whose metric, label or label value
// is not among the families scraped. job and instance are the labels
// Prometheus gives a target.
func checkExported(t *testing.T, sels []ruleSelector, families map[string]*dto.MetricFamily) {
	t.Helper()
	for _, s := range sels {
		f, ok := families[s.metric]
		if !ok {
			t.Errorf("%s: %s is not exported", s.alert, s.metric)
			continue
		}
		for label, value := range s.labels {
			if label == "job" || label == "instance" {
				continue
			}
			if !slices.ContainsFunc(f.Metric, func(m *dto.Metric) bool {
				return slices.ContainsFunc(m.Label, func(l *dto.LabelPair) bool {
					return l.GetName() == label && (value == "" || l.GetValue() == value)
				})
			}) {
				t.Errorf("%s: no series of %s has %s=%q", s.alert, s.metric, label, value)
			}
		}
	}
}

// scrape reads a Prometheus text exposition.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return families
}

// TestAlertRulesNameExportedMetrics: every metric an alert of
// deploy/prometheus/alesco-rules.yml reads, with the labels it matches on,
// is one the served alesco exports on /metrics (after it served a feed and
// an RPC and synced from GitHub, as any running server has). up is
// Prometheus's own; Litestream's metrics are checked against Litestream in
// TestLitestreamDrill.
func TestAlertRulesNameExportedMetrics(t *testing.T) {
	t.Parallel()
	sels := alertRuleSelectors(t)
	fake := githubtest.New(t, alescotest.Running(alescotest.Epoch))
	baseURL, _, logs := startServe(t, "--github-url", fake.BaseURL(), "--sync-interval", "5m")
	if resp, err := http.Get(baseURL + "/calendar/alesco.ics"); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	if _, err := v1.NewCommitteeServiceClient(h2cClient(), baseURL).GetCommittee(context.Background(),
		connect.NewRequest(&alescov1.GetCommitteeRequest{CommitteeId: "alesco"})); err != nil {
		t.Fatal(err)
	}
	var families map[string]*dto.MetricFamily
	alescotest.Eventually(t, 30*time.Second, "the first GitHub sync shows in /metrics", func() bool {
		families = scrape(t, baseURL+"/metrics")
		return families["alesco_github_sync_age_seconds"] != nil
	})
	var ours []ruleSelector
	names := map[string]bool{}
	for _, s := range sels {
		switch {
		case s.metric == "up":
			if job := s.labels["job"]; job != "alesco" && job != "litestream" {
				t.Errorf("%s: up of job %q, want alesco or litestream (the scrape jobs the rules' header names)", s.alert, job)
			}
		case strings.HasPrefix(s.metric, "litestream_"):
		default:
			ours = append(ours, s)
			names[s.metric] = true
		}
	}
	// The rules watch what the issue asks: down, errors, outbox, GitHub,
	// live streams, disk.
	for _, want := range []string{"alesco_http_requests_total", "alesco_outbox_depth", "alesco_github_sync_failing",
		"alesco_watch_streams_rejected_total", "alesco_store_filesystem_avail_bytes"} {
		if !names[want] {
			t.Errorf("no alert reads %s", want)
		}
	}
	checkExported(t, ours, families)
	if t.Failed() {
		t.Logf("server log:\n%s", logs)
	}
}

// TestRuleSelectorsScanner: the scanner finds the selectors of the kinds
// of expression the rules use, and nothing else, so that a misspelt name
// fails TestAlertRulesNameExportedMetrics instead of being overlooked.
func TestRuleSelectorsScanner(t *testing.T) {
	for expr, want := range map[string]string{
		`up{job="alesco"} == 0`: `up{job=alesco}`,
		`sum by (instance) (rate(alesco_http_requests_total{code=~"5.."}[5m])) / sum by (instance) (rate(alesco_http_requests_total[5m])) > 0.05`: `alesco_http_requests_total{code=} alesco_http_requests_total{}`,
		`min_over_time(alesco_outbox_depth{status="pending", x!="y"}[30m]) > 0`:                                                                   `alesco_outbox_depth{status=pending,x=}`,
		`predict_linear(alesco_store_filesystem_avail_bytes[6h], 4 * 3600) < 0`:                                                                   `alesco_store_filesystem_avail_bytes{}`,
		`a_total offset 5m and on (instance) b unless bool c`:                                                                                     `a_total{} b{} c{}`,
	} {
		var got []string
		for _, s := range promSelectors(t, "test", expr) {
			var ls []string
			for k, v := range s.labels {
				ls = append(ls, k+"="+v)
			}
			slices.Sort(ls)
			got = append(got, s.metric+"{"+strings.Join(ls, ",")+"}")
		}
		if strings.Join(got, " ") != want {
			t.Errorf("%s:\n got %s\nwant %s", expr, strings.Join(got, " "), want)
		}
	}
}
