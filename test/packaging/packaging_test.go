// Package packaging runs the packaging checks of the repository. `make test`
// (and so CI) sets VLTGW_PACKAGING=1, and they always run under CI=true; a
// bare `go test ./...` outside CI skips them and says so, because they build
// a .deb and start the whole stack:
//
//   - TestDebPackage runs scripts/deb-check.sh: dpkg-buildpackage in a temp
//     copy of the tree, then the package's contents, conffiles, units
//     (systemd-analyze verify) and configs.
//   - TestSupervisordStack runs scripts/supervisord-check.sh --build: the
//     current cmd/* binaries under docker/supervisord.conf until ASIC_DB holds
//     the example switch, then a clean stop.
//
// When they run, a missing tool or binary is a failure, never a skip.
package packaging

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestDebPackage(t *testing.T) {
	runCheck(t, 6*time.Minute, "scripts/deb-check.sh")
}

func TestSupervisordStack(t *testing.T) {
	runCheck(t, 4*time.Minute, "scripts/supervisord-check.sh", "--build")
}

func runCheck(t *testing.T, timeout time.Duration, script string, args ...string) {
	t.Helper()
	if v := os.Getenv("VLTGW_PACKAGING"); v != "1" && os.Getenv("CI") != "true" {
		t.Skipf("packaging check %s not run outside CI: make test sets VLTGW_PACKAGING=1 (VLTGW_PACKAGING=%q)", script, v)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root not found from %s: %v", root, err)
	}
	path := filepath.Join(root, script)
	if st, err := os.Stat(path); err != nil {
		t.Fatalf("%s: %v", script, err)
	} else if st.Mode()&0o111 == 0 {
		t.Fatalf("%s is not executable", script)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = root
	// The script and everything it starts form one process group, so a
	// timeout stops all of it (the scripts clean up on SIGTERM).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 15 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err = cmd.Run()
	t.Logf("%s %v (%s):\n%s", script, args, time.Since(start).Round(time.Second), out.String())
	if ctx.Err() != nil {
		t.Fatalf("%s did not finish within %s", script, timeout)
	}
	if err != nil {
		t.Fatalf("%s failed: %v (output above)", script, err)
	}
}
