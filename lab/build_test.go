package lab

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// Leftovers finds a live process by a directory on its command line and
// stops listing it once it has exited and been reaped.
func TestLeftovers(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command("sh", "-c", "sleep 30", dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := strconv.Itoa(cmd.Process.Pid)
	left := Leftovers(dir)
	if len(left) != 1 || !strings.HasPrefix(left[0], pid+": ") || !strings.Contains(left[0], dir) {
		t.Fatalf("Leftovers(%s) = %q, want the sh process %s", dir, left, pid)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if left := Leftovers(dir); len(left) != 0 {
		t.Fatalf("after exit: %q", left)
	}
}
