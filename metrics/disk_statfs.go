//go:build linux || darwin

package metrics

import (
	"fmt"
	"syscall"
)

// filesystemSpace returns the bytes left to unprivileged users and the
// size of the file system that holds path.
func filesystemSpace(path string) (avail, total uint64, err error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, 0, fmt.Errorf("metrics: statfs: %w", err)
	}
	return uint64(st.Bavail) * uint64(st.Bsize), uint64(st.Blocks) * uint64(st.Bsize), nil
}
