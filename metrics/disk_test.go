package metrics_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/almalinux/alesco/metrics"
)

// TestWatchDatabase: the database's size is its file and its WAL; the
// file system's space is reported where it can be measured.
func TestWatchDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "alesco.db")
	for path, size := range map[string]int{db: 8192, db + "-wal": 4096, db + "-shm": 32768} {
		if err := os.WriteFile(path, make([]byte, size), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	m := metrics.New()
	m.WatchDatabase(db)
	fams, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range fams {
		if len(f.Metric) == 1 && f.Metric[0].Gauge != nil {
			got[f.GetName()] = f.Metric[0].Gauge.GetValue()
		}
	}
	if got["alesco_store_database_bytes"] != 8192+4096 {
		t.Errorf("alesco_store_database_bytes = %v, want the file and its WAL, 12288", got["alesco_store_database_bytes"])
	}
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		return
	}
	avail, size := got["alesco_store_filesystem_avail_bytes"], got["alesco_store_filesystem_size_bytes"]
	if size <= 0 || avail <= 0 || avail > size {
		t.Errorf("file system: %v bytes available of %v", avail, size)
	}
}
