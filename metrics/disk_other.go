//go:build !linux && !darwin

package metrics

import "errors"

// filesystemSpace is not measured on this system.
func filesystemSpace(string) (avail, total uint64, err error) {
	return 0, 0, errors.New("metrics: file system space is not measured on this system")
}
