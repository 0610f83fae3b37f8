package metrics

import (
	"os"

	"github.com/prometheus/client_golang/prometheus"
)

var (
	dbBytesDesc = prometheus.NewDesc("alesco_store_database_bytes",
		"Size of the SQLite database: its file and its write-ahead log.", nil, nil)
	fsAvailDesc = prometheus.NewDesc("alesco_store_filesystem_avail_bytes",
		"Space left to unprivileged users on the file system that holds the database.", nil, nil)
	fsSizeDesc = prometheus.NewDesc("alesco_store_filesystem_size_bytes",
		"Size of the file system that holds the database.", nil, nil)
)

// WatchDatabase adds, read when scraped, the size of the database at path
// and the space left on the file system that holds it. alesco reports
// them itself because the file system that matters is the one its
// database is on, as alesco sees it: a node_exporter on the host sees a
// container's volume or a unit's state directory under another mount
// point, or not at all, and an alert on it must guess which.
func (m *Metrics) WatchDatabase(path string) {
	m.reg.MustRegister(dbCollector{path})
}

type dbCollector struct{ path string }

func (c dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- dbBytesDesc
	ch <- fsAvailDesc
	ch <- fsSizeDesc
}

func (c dbCollector) Collect(ch chan<- prometheus.Metric) {
	size := int64(0)
	for _, f := range []string{c.path, c.path + "-wal"} {
		if st, err := os.Stat(f); err == nil {
			size += st.Size()
		}
	}
	ch <- prometheus.MustNewConstMetric(dbBytesDesc, prometheus.GaugeValue, float64(size))
	avail, total, err := filesystemSpace(c.path)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(fsAvailDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(fsAvailDesc, prometheus.GaugeValue, float64(avail))
	ch <- prometheus.MustNewConstMetric(fsSizeDesc, prometheus.GaugeValue, float64(total))
}
