package deploy_test

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco/demo"
	"github.com/almalinux/alesco/internal/alescotest"
)

// maxImageBytes is the bound on the image (50 MB).
const maxImageBytes = 50_000_000

// podman runs podman and buildah on storage of their own in a temporary
// directory (vfs: it works everywhere, overlay does not in a container),
// with runc and cgroupfs and no default ulimits: what works on CI machines
// that are containers themselves, without touching the machine's images.
type podman struct {
	t   *testing.T
	env []string
}

func newPodman(t *testing.T) *podman {
	t.Helper()
	// Not t.TempDir: after a container is removed, conmon's exit command
	// (podman container cleanup) may still touch the storage for a moment,
	// and a single RemoveAll then fails with "directory not empty".
	dir, err := os.MkdirTemp("", "alesco-image-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // last: after the containers are removed
		alescotest.Eventually(t, 30*time.Second, "podman's storage can be removed", func() bool { return os.RemoveAll(dir) == nil })
	})
	storage := filepath.Join(dir, "storage.conf")
	conf := filepath.Join(dir, "containers.conf")
	files := map[string]string{
		storage: fmt.Sprintf("[storage]\ndriver = \"vfs\"\nrunroot = %q\ngraphroot = %q\n", filepath.Join(dir, "run"), filepath.Join(dir, "graph")),
		conf: fmt.Sprintf("[containers]\ndefault_ulimits = []\n[engine]\nruntime = \"runc\"\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\ntmp_dir = %q\n",
			filepath.Join(dir, "libpod")),
	}
	for name, text := range files {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return &podman{t: t, env: []string{"CONTAINERS_STORAGE_CONF=" + storage, "CONTAINERS_CONF=" + conf, "BUILDAH_ISOLATION=chroot"}}
}

// run runs podman; a failure fails the test.
func (p *podman) run(args ...string) string {
	p.t.Helper()
	out, err := run(p.t, p.env, "podman", args...)
	if err != nil {
		p.t.Fatalf("podman %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(out)
}

// listening is serve's line saying where it listens.
var listening = regexp.MustCompile(`msg="alesco listening" addr=(127\.0\.0\.1:\d+)`)

// start runs the image detached on the host's network, as a read-only
// root file system without the tmpfs podman would otherwise put on /tmp
// (Kubernetes' readOnlyRootFilesystem gives none either), with the
// image's own user; it returns the container and the URL it serves.
// alesco picks a free port itself (--addr 127.0.0.1:0) and says which in
// its log: a port picked here could be taken by another process before
// the container starts.
func (p *podman) start(image string, args ...string) (id, url string) {
	p.t.Helper()
	id = p.run(append([]string{"run", "-d", "--read-only", "--read-only-tmpfs=false", "--network", "host", image, "serve", "--addr", "127.0.0.1:0"}, args...)...)
	p.t.Cleanup(func() {
		if p.t.Failed() {
			out, _ := run(p.t, p.env, "podman", "logs", id)
			p.t.Logf("container log:\n%s", out)
		}
		if out, err := run(p.t, p.env, "podman", "rm", "-f", "-v", id); err != nil {
			p.t.Errorf("podman rm: %v\n%s", err, out)
		}
	})
	// conmon writes the container's log out a moment after alesco wrote it.
	alescotest.Eventually(p.t, time.Minute, "the container's alesco says where it listens", func() bool {
		m := listening.FindStringSubmatch(p.run("logs", id))
		if m != nil {
			url = "http://" + m[1]
		}
		return m != nil
	})
	alescotest.Eventually(p.t, time.Minute, "the container answers /healthz", func() bool {
		resp, err := http.Get(url + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})
	return id, url
}

// TestImage builds the image with deploy/build-image from this checkout
// and runs it as operators would: read-only root, the image's unprivileged
// user, the database on the /data volume; then the demo, which must find
// a place for its temporary database with /tmp read-only.
func TestImage(t *testing.T) {
	if os.Getenv("ALESCO_EXTERNAL_TESTS") != "1" {
		t.Skip("building the image takes minutes: set ALESCO_EXTERNAL_TESTS=1 to run it (.ci/run does)")
	}
	tool(t, "podman", "podman")
	tool(t, "buildah", "buildah")
	tool(t, "runc", "runc")
	p := newPodman(t)
	const image = "localhost/alesco:latest"

	elapsed := alescotest.Stopwatch()
	out, err := run(t, p.env, filepath.Join(alescotest.Root(), "deploy", "build-image"))
	if err != nil {
		t.Fatalf("deploy/build-image: %v\n%s", err, out)
	}
	t.Logf("deploy/build-image took %s", elapsed().Round(time.Second))
	checkImageConfig(t, p, image)

	id, url := p.start(image, "--db", "/data/alesco.db", "--sync-interval", "0")
	if ro := p.run("inspect", "--format", "{{.HostConfig.ReadonlyRootfs}}", id); ro != "true" {
		t.Errorf("the container's root is not read-only: %s", ro)
	}
	if users := strings.Fields(p.run("top", id, "huser")); len(users) != 2 || users[1] != "65532" {
		t.Errorf("podman top huser: %q, want alesco as 65532", users)
	}
	feed := get(t, url+"/calendar/alesco.ics", "")
	if feed.StatusCode != 200 || !strings.HasPrefix(feed.body, "BEGIN:VCALENDAR") || feed.Header.Get("ETag") == "" {
		t.Fatalf("GET /calendar/alesco.ics: %d, ETag %q\n%.200s", feed.StatusCode, feed.Header.Get("ETag"), feed.body)
	}
	if again := get(t, url+"/calendar/alesco.ics", feed.Header.Get("ETag")); again.StatusCode != http.StatusNotModified {
		t.Errorf("revalidating the feed: %d, want 304", again.StatusCode)
	}
	// The database is on the volume, where the unprivileged user writes.
	if out := p.run("exec", id, "/usr/local/bin/alesco", "audit", "verify", "--db", "/data/alesco.db"); !strings.Contains(out, "audit log ok") {
		t.Errorf("alesco audit verify in the container: %s", out)
	}

	demoID, demoURL := p.start(image, "--demo", "--sync-interval", "0")
	checkDemo(t, demoURL)
	alescotest.Eventually(t, 20*time.Second, "the demo's log says its database is beside --db, on the volume (/tmp is read-only)", func() bool {
		return regexp.MustCompile(`db=/data/\.alesco-demo-\d+/alesco\.db`).MatchString(p.run("logs", demoID))
	})
}

// checkImageConfig checks what the image says about itself: size, user,
// entry point and default command, volume, labels.
func checkImageConfig(t *testing.T, p *podman, image string) {
	t.Helper()
	var info []struct {
		Size   int64
		Labels map[string]string
		Config struct {
			User       string
			Entrypoint []string
			Cmd        []string
			Volumes    map[string]struct{}
		}
	}
	if err := json.Unmarshal([]byte(p.run("image", "inspect", image)), &info); err != nil || len(info) != 1 {
		t.Fatalf("podman image inspect: %v", err)
	}
	img := info[0]
	t.Logf("image size %.1f MB", float64(img.Size)/1e6)
	if img.Size > maxImageBytes {
		t.Errorf("image is %d bytes, want at most %d", img.Size, maxImageBytes)
	}
	c := img.Config
	if c.User != "65532:65532" || strings.Join(c.Entrypoint, " ") != "/usr/local/bin/alesco" ||
		strings.Join(c.Cmd, " ") != "serve --addr :8080 --db /data/alesco.db" {
		t.Errorf("image config: user %q, entrypoint %q, cmd %q", c.User, c.Entrypoint, c.Cmd)
	}
	if _, ok := c.Volumes["/data"]; !ok || len(c.Volumes) != 1 {
		t.Errorf("volumes %v, want /data", c.Volumes)
	}
	revision, err := run(t, nil, "git", "-C", alescotest.Root(), "rev-parse", "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	for label, want := range map[string]string{
		"org.opencontainers.image.source":   "https://github.com/almalinux/alesco",
		"org.opencontainers.image.revision": strings.TrimSpace(revision),
	} {
		if img.Labels[label] != want {
			t.Errorf("label %s = %q, want %q", label, img.Labels[label], want)
		}
	}
	if img.Labels["org.opencontainers.image.version"] == "" || img.Labels["org.opencontainers.image.version"] == "unknown" {
		t.Errorf("label org.opencontainers.image.version = %q", img.Labels["org.opencontainers.image.version"])
	}
}

// checkDemo: the demo in the container shows the proposals of the GitHub
// snapshot kept in the repository (demo/github), by number and title.
func checkDemo(t *testing.T, url string) {
	t.Helper()
	snapshot := map[int32]string{}
	for name, b := range demo.GitHubFiles() {
		if !strings.HasPrefix(name, "pulls-page-") {
			continue
		}
		var pulls []struct {
			Number int32
			Title  string
		}
		if err := json.Unmarshal(b, &pulls); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, p := range pulls {
			snapshot[p.Number] = p.Title
		}
	}
	req, err := http.NewRequest("POST", url+"/alesco.v1.ProposalService/ListProposals", strings.NewReader(`{"committeeId":"alesco"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got struct {
		Proposals []struct {
			Number int32
			Title  string
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || resp.StatusCode != 200 {
		t.Fatalf("ListProposals: %d, %v", resp.StatusCode, err)
	}
	if len(got.Proposals) == 0 {
		t.Fatal("the demo in the image shows no proposals")
	}
	for _, p := range got.Proposals {
		if want, ok := snapshot[p.Number]; !ok || !strings.Contains(want, p.Title) {
			t.Errorf("proposal #%d %q is not the snapshot's (%q)", p.Number, p.Title, want)
		}
	}
	if page := get(t, url+"/alesco/proposals", ""); page.StatusCode != 200 || !strings.Contains(page.body, html.EscapeString(got.Proposals[0].Title)) {
		t.Errorf("GET /alesco/proposals: %d, lacks %q", page.StatusCode, got.Proposals[0].Title)
	}
}

type fetched struct {
	*http.Response
	body string
}

func get(t *testing.T, url, etag string) fetched {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return fetched{resp, string(b)}
}
