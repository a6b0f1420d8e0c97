//go:build unix

package seal

import (
	"io/fs"
	"syscall"
)

// fileID tells a file put in place by rename from the one before, even
// when both were written within the same clock tick.
func fileID(fi fs.FileInfo) (inode, device uint64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Ino), uint64(st.Dev)
	}
	return 0, 0
}
